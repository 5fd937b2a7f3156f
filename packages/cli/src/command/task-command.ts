import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { chooseFormat, cueFlags, cueLimitsOf, formatsOf, type Format } from './formats.js';
import { outputTargets } from './out-paths.js';
import { flagsFromSchema, optionsFromFlags } from './schema-flags.js';
import { asUsageError } from './usage-errors.js';
import { booleanFlag, commandName, stringFlag, type CommandSpec, type FlagSpec, type ParsedCommand } from './spec.js';
import { TASK_EXTRAS, type AnyPipeline, type TaskExtras } from './task-extras.js';
import { gatherUnits, POSITIONAL } from './task-inputs.js';
import { runUnits } from './task-run.js';

/** Load options the CLI sets itself: a command line's inputs may be URLs and `-`, as the user typed them. */
const CLI_SETS = ['allowUrls', 'allowStdin', 'allowPrivateHosts'] as const;

const OUT_FLAGS: readonly FlagSpec[] = [
  { name: 'out', kind: 'string', value: 'FILE|DIR', description: 'write each answer there: a file for one input, a folder for several (mirroring the input folders)' },
  { name: 'skip-existing', kind: 'boolean', description: "with --out: leave inputs whose output is already there (a rerun goes on)" },
];

const TEXT_FLAGS: readonly FlagSpec[] = [
  { name: 'text', kind: 'string', multiple: true, value: 'TEXT', description: 'a text to process (repeatable), besides or instead of files' },
  { name: 'column', kind: 'string', value: 'NAME', description: 'CSV/JSONL inputs: the column (or key) holding the text; each row is one text' },
];

const WHOLE_FILE: FlagSpec = { name: 'whole-file', kind: 'boolean', description: 'each file is one text (default: each non-empty line)' };

/** The row's own words on its models where it has them: the generic ones would offer OCR a hub id. */
function modelFlag(task: AnyTaskDefinition): FlagSpec {
  if (task.modelNote !== undefined) return { name: 'model', kind: 'string', value: 'MODEL', description: `default ${task.defaultModel}: ${task.modelNote}` };
  const where = task.offline ? 'embedded, offline' : 'fetched from the hub on first use and cached';
  return { name: 'model', kind: 'string', value: 'NAME|DIR|ID', description: `an embedded model, a model folder or a hub id (default ${task.defaultModel}: ${where})` };
}

function defaultModelLine(task: AnyTaskDefinition): string {
  if (task.modelNote !== undefined) return `${task.defaultModel} (${task.modelNote})`;
  return task.offline
    ? `${task.defaultModel} (embedded: works offline)`
    : `${task.defaultModel} (fetched from the hub on first use and cached; offline: dl models pull ${task.defaultModel} --task ${task.task} first)`;
}

/** Each example as its comment, then the line to type: a long command needs no column to line up with. */
const exampleLines = (task: AnyTaskDefinition): string[] =>
  task.examples?.length ? ['', 'Examples:', ...task.examples.flatMap((e) => [`  # ${e.comment}`, `  ${e.command}`])] : [];

function formatFlag(task: AnyTaskDefinition): FlagSpec {
  return { name: 'format', kind: 'string', value: formatsOf(task).join('|'), description: "what is printed or written (default text; with --out, from its extension); json is --json's line" };
}

/** A task command's flags: --model, the row's options (kebab-case of their names), then the CLI's own. */
export function taskFlags(task: AnyTaskDefinition, extras: TaskExtras = TASK_EXTRAS[task.task] ?? {}): FlagSpec[] {
  const call = flagsFromSchema(task.callOptions, { where: 'call', exclude: CLI_SETS, ...(extras.aliases ? { aliases: extras.aliases } : {}) });
  // An option of both (speech's maxSeconds) is given per call: the load-time one is only its default.
  const callNames = call.map((f) => f.option!.name);
  const load = flagsFromSchema(task.loadOptions, { where: 'load', exclude: [...CLI_SETS, ...callNames], ...(extras.aliases ? { aliases: extras.aliases } : {}) });
  const input = task.input === 'text' ? [...TEXT_FLAGS, ...(extras.textUnit === 'document' ? [] : [WHOLE_FILE])] : [];
  return [modelFlag(task), ...load, ...call, ...input, formatFlag(task), ...cueFlags(task), ...OUT_FLAGS, ...(extras.flags ?? [])];
}

/** The help lines below a task command's flags: its task, default model, output shape, examples. */
function details(task: AnyTaskDefinition): string[] {
  return [
    `Task: ${task.task} (the library's pipeline('${task.task}'))`,
    `Default model: ${defaultModelLine(task)}`,
    `Output per input: ${task.output}; --json prints {"input": ..., "output": ...} per line`,
    ...exampleLines(task),
  ];
}

/** The command of one `TASKS` row: `dl <domain> <first alias>`. */
export function taskCommand(task: AnyTaskDefinition): CommandSpec {
  const extras = TASK_EXTRAS[task.task] ?? {};
  const flags = taskFlags(task, extras);
  return {
    words: [task.domain, task.aliases[0] ?? task.task],
    summary: task.summary,
    positional: POSITIONAL[task.input] ?? '<inputs...>',
    flags,
    details: details(task),
    run: (parsed, out) => runTask(task, extras, parsed, out),
  };
}

async function loadPipeline(task: AnyTaskDefinition, model: string | undefined, load: Record<string, unknown>, parsed: ParsedCommand): Promise<AnyPipeline & { each: (inputs: unknown[], options?: Record<string, unknown>) => Promise<Array<{ ok: boolean; value?: unknown; error?: unknown }>> }> {
  // The row's own pipeline, as its domain's `pipeline()` builds it, without importing the domain's package entry:
  // that would load its training, data set and report code (and all of core's) for one command. The row's load()
  // imports only its runner, which registers the embedded models it looks names up in.
  const { pipelineFactory } = await import('@dlkit/core/pipeline');
  try {
    return (await pipelineFactory([task])(task.task, model, load)) as Awaited<ReturnType<typeof loadPipeline>>;
  } catch (error) {
    throw asUsageError(error, parsed);
  }
}

/** The options the user gave, by library name and checked; the load options with the CLI's input access on. */
function options(task: AnyTaskDefinition, parsed: ParsedCommand) {
  const shape = task.loadOptions.shape as Record<string, unknown>;
  const access = Object.fromEntries(CLI_SETS.filter((name) => name in shape).map((name) => [name, true]));
  return { load: { ...optionsFromFlags(parsed.command.flags, parsed, 'load'), ...access }, call: optionsFromFlags(parsed.command.flags, parsed, 'call') };
}

/** `dl <domain> <task> <inputs...>`: the pipeline over the inputs, each answer printed and (with --out) written. */
async function runTask(task: AnyTaskDefinition, extras: TaskExtras, parsed: ParsedCommand, out: Output): Promise<number> {
  if (booleanFlag(parsed, 'stream')) return (await import('./live-transcribe.js')).runLiveTranscription(parsed, out, stringFlag(parsed, 'model'));
  const name = commandName(parsed.command);
  const outPath = stringFlag(parsed, 'out');
  const format: Format = chooseFormat(task, stringFlag(parsed, 'format'), outPath, name);
  await cueLimitsOf(parsed, format); // before the model loads: limits on a format without cues are a usage error
  if (booleanFlag(parsed, 'skip-existing') && outPath === undefined) throw new UsageError('--skip-existing needs --out');
  const legacyModel = extras.model?.(parsed);
  if (legacyModel !== undefined && stringFlag(parsed, 'model') !== undefined) throw new UsageError('give --model or --method, not both');
  const model = stringFlag(parsed, 'model') ?? legacyModel;
  const { load, call } = options(task, parsed);
  const units = await gatherUnits(task, extras, parsed, out);
  const targets = outPath === undefined ? undefined : outputTargets(units, outPath, format);
  const pipeline = await loadPipeline(task, model, load, parsed);
  try {
    const transform = (await extras.prepare?.(parsed, pipeline)) ?? ((value: unknown) => value);
    const failed = await runUnits({ task, parsed, pipeline, units, targets, format, call, transform, load }, out);
    return failed > 0 ? 1 : 0;
  } finally {
    await pipeline.dispose();
  }
}
