import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';
import { printable } from './terminal/printable.js';
import { commandUsage, USAGE } from './usage.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const COMMON = {
  json: { type: 'boolean' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const TEXT_CLASSIFY = {
  model: { type: 'string' },
  text: { type: 'string', multiple: true },
  'all-scores': { type: 'boolean' },
  'whole-file': { type: 'boolean' },
  column: { type: 'string' },
} as const;

const COMMANDS = {
  'vision classify': { topk: { type: 'string' }, model: { type: 'string' }, threads: { type: 'string' }, 'max-pixels': { type: 'string' } },
  'vision detect': {
    'max-pixels': { type: 'string' },
    model: { type: 'string' },
    threshold: { type: 'string' },
    iou: { type: 'string' },
    classes: { type: 'string' },
    max: { type: 'string' },
    out: { type: 'string' },
    'skip-existing': { type: 'boolean' },
    agnostic: { type: 'boolean' },
  },
  'vision faces': { match: { type: 'string' }, 'max-pixels': { type: 'string' }, 'min-confidence': { type: 'string' }, out: { type: 'string' } },
  'vision fine-tune': {
    val: { type: 'string' },
    out: { type: 'string' },
    epochs: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
  },
  train: {
    data: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    checkpoint: { type: 'string' },
    resume: { type: 'string' },
    log: { type: 'string' },
    workers: { type: 'string' },
    vectors: { type: 'string' },
  },
  'nlp classify': TEXT_CLASSIFY,
  'nlp sentiment': TEXT_CLASSIFY,
  'nlp fine-tune': {
    'text-column': { type: 'string' },
    'label-column': { type: 'string' },
    out: { type: 'string' },
    base: { type: 'string' },
    vectors: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
  },
  'nlp summarize': {
    method: { type: 'string' },
    sentences: { type: 'string' },
    ratio: { type: 'string' },
    model: { type: 'string' },
    'max-length': { type: 'string' },
    'min-length': { type: 'string' },
    beams: { type: 'string' },
    column: { type: 'string' },
  },
  'speech transcribe': {
    model: { type: 'string' },
    language: { type: 'string' },
    task: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    'skip-existing': { type: 'boolean' },
    'max-seconds': { type: 'string' },
  },
  'speech vad': { 'max-seconds': { type: 'string' } },
  batch: {
    out: { type: 'string' },
    list: { type: 'string' },
    workers: { type: 'string' },
    'skip-existing': { type: 'boolean' },
    'retry-errors': { type: 'boolean' },
    model: { type: 'string' },
    topk: { type: 'string' },
    threshold: { type: 'string' },
    sentences: { type: 'string' },
    'max-pixels': { type: 'string' },
    threads: { type: 'string' },
    queue: { type: 'string' },
    'queue-name': { type: 'string' },
    attempts: { type: 'string' },
    status: { type: 'boolean' },
  },
  worker: {
    queue: { type: 'string' },
    'queue-name': { type: 'string' },
    concurrency: { type: 'string' },
    'lock-ms': { type: 'string' },
    'allow-dir': { type: 'string', multiple: true },
    'allow-host': { type: 'string', multiple: true },
    model: { type: 'string', multiple: true },
  },
  'models list': {},
  'models pull': { task: { type: 'string' }, dtype: { type: 'string' } },
  doctor: {},
} as const;

type CommandName = keyof typeof COMMANDS;

const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

function matchCommand(positionals: string[]): { name: CommandName; rest: string[] } | undefined {
  for (const name of COMMAND_NAMES) {
    const words = name.split(' ');
    if (words.every((w, i) => positionals[i] === w)) return { name, rest: positionals.slice(words.length) };
  }
  return undefined;
}

/** A mistyped command or flag, answered with the nearest one (worked out only then: core is slow to load). */
class Mistyped extends UsageError {
  constructor(
    readonly what: 'command' | 'option',
    readonly given: string,
    readonly candidates: readonly string[],
  ) {
    super(`unknown ${what} '${given}'`);
  }

  async withSuggestion(): Promise<string> {
    const { nearestName } = await import('@dlkit/core');
    const nearest = nearestName(this.given, this.candidates, 3);
    return nearest === undefined ? this.message : `${this.message} (did you mean '${nearest}'?)`;
  }
}

function findCommand(positionals: string[]): { name: CommandName; rest: string[] } {
  const found = matchCommand(positionals);
  if (found) return found;
  const [first, second] = positionals;
  if (first === undefined) throw new UsageError('no command given');
  // "vision clasify" is compared with the vision commands; "visoin classify" with the first words.
  const inDomain = COMMAND_NAMES.filter((n) => n.startsWith(`${first} `));
  if (inDomain.length > 0) throw new Mistyped('command', `${first} ${second ?? ''}`.trim(), inDomain);
  throw new Mistyped('command', first, [...new Set(COMMAND_NAMES.map((n) => n.split(' ')[0]!))]);
}

/** The flags of a command, as `--name`, for suggestions. */
const flagsOf = (name: CommandName) => Object.keys({ ...COMMON, ...COMMANDS[name] }).map((f) => `--${f}`);

/** parseArgs's own message for an unknown flag is a paragraph; ours is one line with the nearest flag. */
function unknownOption(error: unknown, name: CommandName): Mistyped | undefined {
  const e = error as { code?: string; message?: string };
  if (e.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const given = /'(-[^']*)'/.exec(e.message ?? '')?.[1];
  return given === undefined ? undefined : new Mistyped('option', given, flagsOf(name));
}

/** One or two lines: what was wrong, and where the command's help is (not the whole help below it). */
async function usageLines(error: Error, name: CommandName | undefined): Promise<string> {
  const message = error instanceof Mistyped ? await error.withSuggestion() : error.message;
  return `dl: ${printable(message, { keepNewlines: false })}
see dl ${name === undefined ? '' : `${name} `}--help
`;
}

/** Runs the CLI; resolves to the exit code. Runtimes load only once a command needs them. */
export async function main(argv: string[]): Promise<number> {
  let name: CommandName | undefined;
  try {
    // First pass without a command's own flags: enough for --help and --version and to find the command.
    const loose = parseArgs({ args: argv, options: COMMON, allowPositionals: true, strict: false });
    if (loose.values.version === true) {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (loose.values.help === true || argv.length === 0) {
      const asked = matchCommand(loose.positionals);
      process.stdout.write(asked ? commandUsage(asked.name) : USAGE);
      return 0;
    }
    const command = findCommand(loose.positionals).name;
    name = command;
    const parsed = (() => {
      try {
        return parseArgs({ args: argv, options: { ...COMMON, ...COMMANDS[command] }, allowPositionals: true, strict: true });
      } catch (error) {
        throw unknownOption(error, command) ?? error;
      }
    })();
    const { rest } = findCommand(parsed.positionals);
    const values = parsed.values as Record<string, string | boolean | undefined>;
    if (typeof values.backend === 'string') process.env.DL_BACKEND = values.backend;

    const { createOutput, errorLine: line } = await import('./output.js');
    const out = createOutput(values.json === true);
    const flag = (name: string) => values[name] as string | undefined;
    try {
      switch (name) {
        case 'vision classify': {
          const { visionClassify } = await import('./commands/vision-classify.js');
          return await visionClassify(
            {
              images: rest,
              topk: values.topk as string | undefined,
              model: values.model as string | undefined,
              threads: values.threads as string | undefined,
              maxPixels: values['max-pixels'] as string | undefined,
            },
            out,
          );
        }
        case 'vision detect': {
          const { visionDetect } = await import('./commands/vision-detect.js');
          return await visionDetect(
            { images: rest, model: flag('model'), threshold: flag('threshold'), iou: flag('iou'), classes: flag('classes'), max: flag('max'), out: flag('out'), maxPixels: flag('max-pixels'), skipExisting: values['skip-existing'] === true, agnostic: values.agnostic === true },
            out,
          );
        }
        case 'vision faces': {
          const { visionFaces } = await import('./commands/vision-faces.js');
          return await visionFaces({ images: rest, match: flag('match'), maxPixels: flag('max-pixels'), minConfidence: flag('min-confidence'), out: flag('out') }, out);
        }
        case 'vision fine-tune': {
          const { visionFineTune } = await import('./commands/vision-fine-tune.js');
          return await visionFineTune({ dirs: rest, val: flag('val'), out: flag('out'), epochs: flag('epochs'), size: flag('size'), seed: flag('seed') }, out);
        }
        case 'train': {
          const { train } = await import('./commands/train.js');
          return await train(
            {
              target: rest,
              data: flag('data'),
              epochs: flag('epochs'),
              batchSize: flag('batch-size'),
              seed: flag('seed'),
              out: flag('out'),
              checkpoint: flag('checkpoint'),
              resume: flag('resume'),
              log: flag('log'),
              workers: flag('workers'),
              vectors: flag('vectors'),
            },
            out,
          );
        }
        case 'nlp classify':
        case 'nlp sentiment': {
          const { nlpClassify } = await import('./commands/nlp-classify.js');
          return await nlpClassify(
            {
              inputs: rest,
              texts: (values.text as unknown as string[] | undefined) ?? [],
              model: values.model as string | undefined,
              allScores: values['all-scores'] === true,
              wholeFile: values['whole-file'] === true,
              column: values.column as string | undefined,
            },
            out,
            name === 'nlp sentiment' ? 'sentiment' : 'classify',
          );
        }
        case 'nlp fine-tune': {
          const { nlpFineTune } = await import('./commands/nlp-fine-tune.js');
          return await nlpFineTune(
            {
              files: rest,
              textColumn: flag('text-column'),
              labelColumn: flag('label-column'),
              out: flag('out'),
              base: flag('base'),
              vectors: flag('vectors'),
              epochs: flag('epochs'),
              seed: flag('seed'),
              workers: flag('workers'),
            },
            out,
          );
        }
        case 'nlp summarize': {
          const { nlpSummarize } = await import('./commands/nlp-summarize.js');
          return await nlpSummarize(
            {
              inputs: rest,
              method: flag('method'),
              sentences: flag('sentences'),
              ratio: flag('ratio'),
              model: flag('model'),
              maxLength: flag('max-length'),
              minLength: flag('min-length'),
              beams: flag('beams'),
              column: flag('column'),
            },
            out,
          );
        }
        case 'speech transcribe': {
          const { speechTranscribe } = await import('./commands/speech.js');
          return await speechTranscribe(
            { inputs: rest, model: flag('model'), language: flag('language'), task: flag('task'), format: flag('format'), out: flag('out'), skipExisting: values['skip-existing'] === true, maxSeconds: flag('max-seconds') },
            out,
          );
        }
        case 'speech vad': {
          const { speechVad } = await import('./commands/speech.js');
          return await speechVad({ inputs: rest, maxSeconds: flag('max-seconds') }, out);
        }
        case 'batch': {
          const { batch } = await import('./commands/batch.js');
          return await batch(
            {
              positionals: rest,
              out: flag('out'),
              list: flag('list'),
              workers: flag('workers'),
              skipExisting: values['skip-existing'] === true,
              retryErrors: values['retry-errors'] === true,
              model: flag('model'),
              topk: flag('topk'),
              threshold: flag('threshold'),
              sentences: flag('sentences'),
              maxPixels: flag('max-pixels'),
              threads: flag('threads'),
              queue: flag('queue'),
              queueName: flag('queue-name'),
              attempts: flag('attempts'),
              status: values.status === true,
            },
            out,
          );
        }
        case 'worker': {
          const { worker } = await import('./commands/worker.js');
          const list = (name: string) => values[name] as unknown as string[] | undefined;
          return await worker({
            rest,
            queue: flag('queue'),
            queueName: flag('queue-name'),
            concurrency: flag('concurrency'),
            lockMs: flag('lock-ms'),
            allowDirs: list('allow-dir'),
            allowHosts: list('allow-host'),
            models: list('model'),
          });
        }
        case 'models pull': {
          const { modelsPull } = await import('./commands/models-pull.js');
          return await modelsPull({ ids: rest, task: values.task as string | undefined, dtype: values.dtype as string | undefined }, out);
        }
        case 'models list': {
          if (rest.length > 0) throw new UsageError(`models list takes no arguments`);
          const { modelsList } = await import('./commands/models-list.js');
          return await modelsList(out);
        }
        case 'doctor': {
          if (rest.length > 0) throw new UsageError(`doctor takes no arguments`);
          const { doctor } = await import('./commands/doctor.js');
          return await doctor(out, VERSION);
        }
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      process.stderr.write(`${line(error)}\n`);
      return 1;
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(await usageLines(error as Error, name));
      return 2;
    }
    process.stderr.write(`dl: INTERNAL: ${printable(error instanceof Error ? error.message : String(error), { keepNewlines: false })}\n`);
    return 1;
  }
}
