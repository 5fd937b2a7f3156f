import { UsageError } from '../cli-error.js';
import { booleanFlag, stringFlag, type CommandSpec, type FlagSpec, type ParsedCommand } from './spec.js';

// The commands that are not a task's pipeline (training, batch runs, models, doctor): written by hand, as entries
// of the same table. Their flags are given as text and parsed strictly by the command (commands/arguments.ts).

const f = (name: string, value: string, description: string): FlagSpec => ({ name, kind: 'string', value, description });

const DATA = (what: string) => f('data', 'DIR', what);
const DATA_SET = (what: string) => f('data', 'NAME|DIR', what);
const LIMIT = f('limit', 'N', 'train on about N examples, the same share of every class (a quick trial of the whole run)');
const EPOCHS = f('epochs', 'N', 'override the recipe or config');
const BATCH_SIZE = f('batch-size', 'N', 'examples per step');
const SEED = f('seed', 'N', 'random seed (same seed, same model)');
const OUT = f('out', 'DIR', 'save the trained model there (dlkit.json + model files)');
const FORCE: FlagSpec = { name: 'force', kind: 'boolean', description: 'replace the model already in --out (default: refuse, OUTPUT_EXISTS)' };
const CHECKPOINT = f('checkpoint', 'DIR', 'checkpoint every epoch and on Ctrl-C (default <out>.checkpoint)');
const RESUME = f('resume', 'DIR', 'continue the run of a checkpoint (alone: `dl train --resume DIR`), to the same weights as an uninterrupted run');
const LOG = f('log', 'FILE', 'per-epoch figures as JSONL or CSV');
const WORKERS = f('workers', 'N', 'threads computing gradients (one per core at most)');
const VECTORS = f('vectors', 'FILE', 'GloVe-format or wink JSON word vectors to start the embeddings from');

/** `dl train <target>` with the flags that target takes (anything else is a usage error, not silently ignored). */
function trainCommand(target: string | undefined, summary: string, flags: FlagSpec[]): CommandSpec {
  return {
    words: target === undefined ? ['train'] : ['train', target],
    summary,
    positional: target === undefined ? '<config.json>' : '',
    flags,
    async run(parsed, out) {
      const { train } = await import('../commands/train.js');
      const value = (name: string) => stringFlag(parsed, name);
      return train(
        {
          target: target === undefined ? [...parsed.positionals] : [target, ...parsed.positionals],
          data: value('data'),
          limit: value('limit'),
          epochs: value('epochs'),
          batchSize: value('batch-size'),
          seed: value('seed'),
          out: value('out'),
          checkpoint: value('checkpoint'),
          resume: value('resume'),
          log: value('log'),
          workers: value('workers'),
          vectors: value('vectors'),
          force: booleanFlag(parsed, 'force'),
        },
        out,
      );
    },
  };
}

const noArguments = (parsed: ParsedCommand) => {
  if (parsed.positionals.length > 0) throw new UsageError(`${parsed.command.words.join(' ')} takes no arguments`);
};

export const TRAIN_COMMANDS: CommandSpec[] = [
  trainCommand('digits', 'Train the handwritten-digits CNN (the embedded `digits` model) on MNIST', [
    DATA_SET('a registered set (mnist, mnist-cazala, mnist:train; default mnist) or a folder of JSON digits or MNIST IDX files'),
    LIMIT, EPOCHS, BATCH_SIZE, SEED, OUT, FORCE, CHECKPOINT, RESUME, LOG, WORKERS,
  ]),
  trainCommand('fashion', 'Train a CNN on Fashion-MNIST (ten kinds of garment, 28x28 grey); dl vision classify --model reads it', [
    DATA_SET('a registered set (default fashion-mnist, or fashion-mnist:train) or a folder of Fashion-MNIST IDX files'),
    LIMIT, EPOCHS, BATCH_SIZE, SEED, OUT, FORCE, CHECKPOINT, RESUME, LOG, WORKERS,
  ]),
  trainCommand('sentiment', 'Train the sentiment model (the embedded `sentiment`) on rt-polarity; its recipe is fixed', [
    DATA_SET('rt-polarity.pos and rt-polarity.neg (default: the registered set rt-polarity)'), VECTORS, OUT, FORCE, SEED, WORKERS,
  ]),
  trainCommand('speech-digits', 'Train the spoken-digits model (the embedded `speech-digits`) on FSDD', [
    DATA_SET('FSDD recordings, {digit}_{speaker}_{take}.wav (default: the registered set fsdd)'), OUT, FORCE, EPOCHS, SEED, WORKERS, LOG,
  ]),
  trainCommand(undefined, 'Train a classifier on your own image folders, CSV or JSONL (a JSON config; see README)', [EPOCHS, BATCH_SIZE, SEED, OUT, FORCE, CHECKPOINT, RESUME, LOG, WORKERS]),
  {
    words: ['tabular', 'train'],
    summary: 'Train a network on a table to predict one column (is a tumour malignant? a payment fraud?), classification or regression',
    positional: '<data.csv|.jsonl|data set>',
    flags: [
      f('label', 'COLUMN', 'the column to predict (required for a file; a registered set names its own)'),
      f('task', 'classification|regression', 'default: regression for a numeric label of more than 20 values (said on stderr)'),
      f('out', 'DIR', 'the model folder (default <data>-model)'),
      FORCE,
      f('epochs', 'N', 'most epochs per network (300); early stopping on the validation split ends sooner'),
      SEED,
      f('val-fraction', 'F', 'rows held out for validation (0.2), stratified by class'),
    ],
    details: ['Numeric columns are standardised, text ones one-hot, missing values (empty, NA, NaN) imputed: all stored in the model.'],
    async run(parsed, out) {
      const { tabularTrain } = await import('../commands/tabular.js');
      const v = (n: string) => stringFlag(parsed, n);
      return tabularTrain({ inputs: [...parsed.positionals], label: v('label'), task: v('task'), out: v('out'), force: booleanFlag(parsed, 'force'), epochs: v('epochs'), seed: v('seed'), valFraction: v('val-fraction') }, out);
    },
  },
  {
    words: ['tabular', 'predict'],
    summary: 'Predict the column a tabular model learnt for each row of a CSV or JSONL table',
    positional: '<new.csv|.jsonl|data set:split>',
    flags: [
      f('model', 'DIR', 'a model folder from dl tabular train (required)'),
      f('format', 'csv|jsonl', 'the rows with their predictions as CSV (default) or JSONL; --json gives one result per row'),
      f('out', 'FILE', 'write them there (default stdout)'),
      { name: 'force', kind: 'boolean', description: 'replace the file --out names' },
    ],
    async run(parsed, out) {
      const { tabularPredict } = await import('../commands/tabular.js');
      const v = (n: string) => stringFlag(parsed, n);
      return tabularPredict({ inputs: [...parsed.positionals], model: v('model'), format: v('format'), out: v('out'), force: booleanFlag(parsed, 'force') }, out);
    },
  },
  {
    words: ['evaluate'],
    summary: 'Measure a classifier on a labelled set: accuracy, per-class F1, confusion matrix, calibration, mistakes',
    positional: '<data>',
    flags: [
      f('model', 'NAME|DIR', 'the model: embedded (digits, sentiment) or a folder dl train wrote (required)'),
      f('report', 'DIR', 'the report folder (default ./dl-evaluate/<model>-<data>, numbered -2, -3 if it exists)'),
      f('limit', 'N', 'evaluate N examples spread evenly over the set'),
      f('label', 'COLUMN', 'the label column of a CSV/JSONL file (text: default label)'),
      f('text', 'COLUMN', 'the text column of a CSV/JSONL file of texts (default text)'),
    ],
    details: [
      '<data>: a registered set (mnist:test, fashion-mnist:test, mnist-cazala:test, breast-cancer:test; see dl data list),',
      'a folder of class folders (<dir>/<class>/<images or .txt>), or a CSV/JSONL table with a label column.',
      'The report folder gets confusion_matrix.png, metrics.json and misclassified.jsonl (most confident first).',
    ],
    async run(parsed, out) {
      const { evaluateCommand } = await import('../commands/evaluate.js');
      const v = (n: string) => stringFlag(parsed, n);
      return evaluateCommand({ data: [...parsed.positionals], model: v('model'), report: v('report'), limit: v('limit'), label: v('label'), text: v('text') }, out);
    },
  },
];

export const FINE_TUNE_COMMANDS: Record<'vision' | 'nlp', CommandSpec> = {
  vision: {
    words: ['vision', 'fine-tune'],
    summary: 'Train an image classifier on your photos (<dir>/<class>/*.jpg); it loads with vision classify --model DIR',
    positional: '<dir>',
    flags: [f('out', 'DIR', 'the model folder (required)'), FORCE, f('val', 'DIR', 'validation folder (default: 20% of <dir>)'), f('epochs', 'N', 'head training epochs (30)'), f('size', 'N', 'input side in pixels (160)'), SEED],
    async run(parsed, out) {
      const { visionFineTune } = await import('../commands/vision-fine-tune.js');
      const v = (n: string) => stringFlag(parsed, n);
      return visionFineTune({ dirs: [...parsed.positionals], val: v('val'), out: v('out'), epochs: v('epochs'), size: v('size'), seed: v('seed'), force: booleanFlag(parsed, 'force') }, out);
    },
  },
  nlp: {
    words: ['nlp', 'fine-tune'],
    summary: 'Train a text classifier on your labelled texts (CSV or JSONL); it loads with nlp classify --model DIR',
    positional: '<file.csv|.jsonl>',
    flags: [
      f('text-column', 'C', 'the column holding the text (required)'),
      f('label-column', 'C', 'the column holding the label (required)'),
      f('out', 'DIR', 'the model folder (required)'),
      FORCE,
      f('base', 'NAME|DIR|none', 'model to start from (default sentiment)'),
      f('vectors', 'FILE', 'word vectors, with --base none'),
      f('epochs', 'N', 'CNN epochs (6; the n-gram part gets 2/3 of them)'),
      SEED,
      WORKERS,
    ],
    async run(parsed, out) {
      const { nlpFineTune } = await import('../commands/nlp-fine-tune.js');
      const v = (n: string) => stringFlag(parsed, n);
      return nlpFineTune(
        { files: [...parsed.positionals], textColumn: v('text-column'), labelColumn: v('label-column'), out: v('out'), base: v('base'), vectors: v('vectors'), epochs: v('epochs'), seed: v('seed'), workers: v('workers'), force: booleanFlag(parsed, 'force') },
        out,
      );
    },
  },
};

export const MODEL_COMMANDS: CommandSpec[] = [
  {
    words: ['models', 'list'],
    summary: 'The models shipped with dlkit',
    positional: '',
    flags: [],
    async run(parsed, out) {
      noArguments(parsed);
      const { modelsList } = await import('../commands/models-list.js');
      return modelsList(out);
    },
  },
  {
    words: ['models', 'pull'],
    summary: 'Download a Hugging Face hub model (transformers.js) into DL_CACHE for offline use, each file checked',
    positional: '<org/name...>',
    flags: [f('task', 'TASK', 'the task it is loaded for, e.g. summarization (required: the pull loads it once, offline, to check it)')],
    async run(parsed, out) {
      const { modelsPull } = await import('../commands/models-pull.js');
      return modelsPull({ ids: [...parsed.positionals], task: stringFlag(parsed, 'task') }, out);
    },
  },
  {
    words: ['data', 'list'],
    summary: 'The registered data sets: task, size, licence, and where each is here (cache, mirror, package or absent)',
    positional: '',
    flags: [],
    async run(parsed, out) {
      noArguments(parsed);
      const { dataList } = await import('../commands/data.js');
      return dataList(out);
    },
  },
  {
    words: ['data', 'pull'],
    summary: 'Download registered data sets into DL_CACHE/datasets (resumable, sha256-checked); DL_DATA_MIRROR serves them offline',
    positional: '<name...>',
    flags: [],
    async run(parsed, out) {
      const { dataPull } = await import('../commands/data.js');
      return dataPull(parsed.positionals, out);
    },
  },
  {
    words: ['data', 'info'],
    summary: 'A registered data set: its sources, licence, content hash, splits and local copies',
    positional: '<name>',
    flags: [],
    async run(parsed, out) {
      const { dataInfo } = await import('../commands/data.js');
      return dataInfo(parsed.positionals, out);
    },
  },
  {
    words: ['doctor'],
    summary: 'Backends, versions, cache and offline settings, and why each was chosen',
    positional: '',
    flags: [],
    async run(parsed, out) {
      noArguments(parsed);
      const [{ doctor }, { VERSION }] = await Promise.all([import('../commands/doctor.js'), import('../version.js')]);
      return doctor(out, VERSION);
    },
  },
];
