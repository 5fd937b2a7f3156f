// `dl batch`: its entry of the command table. Light (the tables and the flag derivation only): the run imports the
// rest once the command is chosen.
import type { CommandSpec, FlagSpec } from '../command/spec.js';
import { allTaskFlags, taskFlagLines } from '../batch/flags.js';

/** The batch's own flags; each task's option flags come from its row's schemas (batch/flags.ts). */
const BATCH_FLAGS: readonly FlagSpec[] = [
  { name: 'out', kind: 'string', value: 'FILE', description: 'the results file: one JSON line per input, {input, output} or {input, error: {code, message, hint}}' },
  { name: 'list', kind: 'string', value: 'FILE', description: "more inputs, one per line ('#' comments; '-' reads standard input)" },
  { name: 'model', kind: 'string', value: 'NAME', description: "the task's model: an embedded name, a folder or a hub id (default: the task's own)" },
  { name: 'workers', kind: 'string', value: 'N', description: 'worker threads, each with its own copy of the model (default: one per core)' },
  { name: 'skip-existing', kind: 'boolean', description: 'go on with an existing results file: its inputs are not run again' },
  { name: 'retry-errors', kind: 'boolean', description: 'as --skip-existing, but the inputs that failed are run again' },
  { name: 'queue', kind: 'string', value: 'URL', description: 'put the inputs on a Redis queue (redis://host:port) for dl worker, and collect the results' },
  { name: 'queue-name', kind: 'string', value: 'NAME', description: 'the queue on that Redis (default dlkit)' },
  { name: 'attempts', kind: 'string', value: 'N', description: 'tries per queued input before its error is recorded (default 3)' },
  { name: 'status', kind: 'boolean', description: 'with --queue: where the queue (or, with inputs, this batch) stands' },
];

// Derived from every task's schemas (~20 ms on a busy machine): only once `dl batch` is the command or its help is
// printed, not on every start of `dl`.
let derived: { flags: FlagSpec[]; lines: string[] } | undefined;
const taskFlagsOnce = () => (derived ??= { flags: [...BATCH_FLAGS, ...allTaskFlags()], lines: taskFlagLines() });

export const BATCH_COMMAND: CommandSpec = {
  words: ['batch'],
  summary: 'Run a task on many inputs (worker threads here, or dl worker processes through a Redis queue), results to a JSONL file',
  positional: '<task> <inputs...>',
  get flags() {
    return taskFlagsOnce().flags;
  },
  get details() {
    return [
      "tasks and the option flags each takes (the same flags as the task's own command; any other is refused):",
      ...taskFlagsOnce().lines,
      "'classify' is image classification; text classification is 'text-classification'.",
      'Text inputs are read whole, one document per file. A queued job carries the task, its options and the input path',
      'or URL; dl worker checks it against its own --allow-dir, --allow-host and --model flags before it runs.',
    ];
  },
  async run(parsed, out) {
    const { batch } = await import('../batch/command.js');
    return batch(parsed, out);
  },
};
