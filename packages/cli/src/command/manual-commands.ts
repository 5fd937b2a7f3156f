import { UsageError } from '../cli-error.js';
import { booleanFlag, stringFlag, type CommandSpec, type FlagSpec, type ParsedCommand } from './spec.js';

// The commands that are not a task's pipeline (training, batch runs, models, doctor): written by hand, as entries
// of the same table. Their flags are given as text and parsed strictly by the command (commands/arguments.ts).

const f = (name: string, value: string, description: string): FlagSpec => ({ name, kind: 'string', value, description });

const DATA = (what: string) => f('data', 'DIR', what);
const EPOCHS = f('epochs', 'N', 'override the recipe or config');
const BATCH_SIZE = f('batch-size', 'N', 'examples per step');
const SEED = f('seed', 'N', 'random seed (same seed, same model)');
const OUT = f('out', 'DIR', 'save the trained model there (dlkit.json + model files)');
const FORCE: FlagSpec = { name: 'force', kind: 'boolean', description: 'replace the model already in --out (default: refuse, OUTPUT_EXISTS)' };
const CHECKPOINT = f('checkpoint', 'DIR', 'checkpoint every epoch and on Ctrl-C (default <out>.checkpoint)');
const RESUME = f('resume', 'DIR', 'continue from a checkpoint, to the same result as an uninterrupted run');
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
    DATA('JSON digits (0.json..9.json) or MNIST IDX files (default ../shared/data/mnist/cazala-json)'),
    EPOCHS, BATCH_SIZE, SEED, OUT, FORCE, CHECKPOINT, RESUME, LOG, WORKERS,
  ]),
  trainCommand('sentiment', 'Train the sentiment model (the embedded `sentiment`) on rt-polarity; its recipe is fixed', [
    DATA('rt-polarity.pos and rt-polarity.neg (default ../shared/data/rt-polarity)'), VECTORS, OUT, FORCE, SEED, WORKERS,
  ]),
  trainCommand('speech-digits', 'Train the spoken-digits model (the embedded `speech-digits`) on FSDD', [
    DATA('FSDD recordings, {digit}_{speaker}_{take}.wav (default ../shared/data/fsdd/recordings)'), OUT, FORCE, EPOCHS, SEED, WORKERS, LOG,
  ]),
  trainCommand(undefined, 'Train a classifier on your own image folders, CSV or JSONL (a JSON config; see README)', [EPOCHS, BATCH_SIZE, SEED, OUT, FORCE, CHECKPOINT, RESUME, LOG, WORKERS]),
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
