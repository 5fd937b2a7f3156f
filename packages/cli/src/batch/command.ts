import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DlError, expandInputs, isDlError, isUrl, lockFile, readInput, STDIN } from '@dlkit/core';
import type { AnyTaskDefinition, InputKind } from '@dlkit/core/pipeline';
import { UsageError } from '../cli-error.js';
import { flagForOption, flagName, optionsFromFlags } from '../command/schema-flags.js';
import { booleanFlag, stringFlag, typedFlag, type FlagSpec, type ParsedCommand } from '../command/spec.js';
import { hintWords } from '../command/hints.js';
import { positiveInt } from '../commands/arguments.js';
import type { Output } from '../output.js';
import { allTaskFlags, taskFlags } from './flags.js';
import { jobOptionsSchema, WORKER_OPTIONS } from './job-schema.js';
import { runLocal } from './local-run.js';
import { createTaskPool, threadsPerWorker } from './pool.js';
import { batchProgress, type BatchCounts } from './progress.js';
import { openResults, readExistingResults } from './results-file.js';
import { batchTaskNames, chunkSize, resolveBatchTask, taskCall, type TaskOptions } from './tasks.js';

/** The task a batch runs, as the command line chose it: its row, the name typed, its flags and its options. */
interface ChosenTask {
  definition: AnyTaskDefinition;
  /** As typed (`classify`), for messages. */
  name: string;
  flags: FlagSpec[];
  /** By library name, flat, with `model`. */
  options: TaskOptions;
}

const TEXT_EXTENSIONS = ['.txt', '.md'];

async function extensionsOf(kind: InputKind): Promise<readonly string[]> {
  if (kind === 'text') return TEXT_EXTENSIONS;
  if (kind === 'audio') return (await import('@dlkit/speech')).AUDIO_EXTENSIONS;
  return (await import('@dlkit/vision')).IMAGE_EXTENSIONS;
}

/** The row `name` calls, or a usage error listing the tasks (with the nearest name for a typo). */
function findTask(name: string): ReturnType<typeof resolveBatchTask> {
  try {
    return resolveBatchTask(name);
  } catch (error) {
    if (!isDlError(error, 'INVALID_ARGUMENT')) throw error;
    const hint = hintWords(error.hint);
    throw new UsageError(`batch has no task '${name}'${hint === undefined ? '' : ` (${hint})`}; tasks: ${batchTaskNames()}`);
  }
}

/**
 * The task and its options from the command line: only flags of the task's own schemas (any other batch task's
 * flag is a usage error, not silently ignored), each checked against its schema.
 */
function chooseTask(name: string, parsed: ParsedCommand): ChosenTask {
  const { definition, model: implied } = findTask(name);
  const flags = taskFlags(definition);
  for (const flag of allTaskFlags()) {
    if (parsed.values[flag.name] !== undefined && !flags.some((own) => own.name === flag.name)) {
      throw new UsageError(`${typedFlag(parsed, flag.name)} does not apply to batch ${name}`);
    }
  }
  const model = stringFlag(parsed, 'model') ?? implied;
  const options = { ...optionsFromFlags(flags, parsed, 'load'), ...optionsFromFlags(flags, parsed, 'call'), ...(model === undefined ? {} : { model }) };
  return { definition, name, flags, options };
}

/** The flag a library option came from, as typed, for messages (`model` is the batch's own --model). */
const flagFor = (task: ChosenTask, parsed: ParsedCommand, option: string): string => {
  const flag = flagForOption(task.flags, option);
  return flag === undefined ? `--${flagName(option)}` : typedFlag(parsed, flag.name);
};

/** With --queue, the options as a worker will check them: a job it would refuse is a usage error here instead. */
function assertQueueable(task: ChosenTask, parsed: ParsedCommand): void {
  const checked = jobOptionsSchema(task.definition).safeParse(task.options);
  if (checked.success) return;
  const issue = checked.error.issues[0]!;
  const option = issue.code === 'unrecognized_keys' ? issue.keys[0]! : String(issue.path[0]);
  if (WORKER_OPTIONS.has(option)) throw new UsageError(`${flagFor(task, parsed, option)} is for a local run: each dl worker sets it for itself`);
  throw new UsageError(`${flagFor(task, parsed, option)} cannot go on the queue as given (dl worker would refuse the jobs): ${issue.message}`);
}

/**
 * The inputs of the batch, in order and without repeats: files, folders, globs and URLs from the command line,
 * then one per line of `--list` (`-`: standard input).
 */
async function gatherInputs(parsed: ParsedCommand, inputs: readonly string[], extensions: readonly string[], out: Output): Promise<string[]> {
  if (inputs.includes(STDIN)) throw new UsageError('batch reads no input from standard input; give a list of inputs with --list - instead');
  const list = stringFlag(parsed, 'list');
  const listed =
    list === undefined
      ? []
      : (await readInput(list, { allowStdin: true, allowUrls: true, allowPrivateHosts: true }))
          .toString('utf8')
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter((line) => line !== '' && !line.startsWith('#'));
  const all = await expandInputs([...inputs, ...listed], { extensions, onSkip: out.walkSkipped });
  return [...new Set(all)];
}

/** Where workers on other machines find an input: URLs as they are, paths made absolute. */
const inputReference = (input: string) => (isUrl(input) ? input : resolve(input));

/** The usage checks that need no file or network, in the order a user fixes them. */
function checkUsage(parsed: ParsedCommand, task: ChosenTask, inputs: readonly string[]): void {
  const queue = stringFlag(parsed, 'queue');
  if (inputs.length === 0 && stringFlag(parsed, 'list') === undefined) throw new UsageError(`batch ${task.name} needs inputs: files, folders, globs, URLs, or --list FILE`);
  if (stringFlag(parsed, 'out') === undefined) throw new UsageError('batch needs --out results.jsonl');
  if (queue === undefined && (stringFlag(parsed, 'queue-name') !== undefined || stringFlag(parsed, 'attempts') !== undefined)) throw new UsageError('--queue-name and --attempts need --queue');
  if (queue !== undefined && (stringFlag(parsed, 'workers') !== undefined || task.options.threads !== undefined)) {
    throw new UsageError('--workers and --threads are for a local run; with --queue, start dl worker on each machine');
  }
  if (queue !== undefined) assertQueueable(task, parsed);
}

/** `dl batch <task> <inputs...> --out results.jsonl [--workers N]`, or the same on a Redis queue with `--queue`. */
export async function batch(parsed: ParsedCommand, out: Output): Promise<number> {
  const [taskName, ...rest] = parsed.positionals;
  const queue = stringFlag(parsed, 'queue');
  const status = booleanFlag(parsed, 'status');
  if (status && queue === undefined) throw new UsageError('--status needs --queue redis://host:port');
  if (status && taskName === undefined) {
    const { queueStatus } = await import('./queue.js');
    return queueStatus({ url: queue!, name: stringFlag(parsed, 'queue-name') }, out);
  }
  if (taskName === undefined) throw new UsageError(`batch needs a task: ${batchTaskNames()}`);
  const task = chooseTask(taskName, parsed);
  checkUsage(parsed, task, rest);
  const workers = positiveInt('--workers', stringFlag(parsed, 'workers')) ?? availableParallelism();
  const attempts = positiveInt('--attempts', stringFlag(parsed, 'attempts')) ?? 3;

  const inputs = await gatherInputs(parsed, rest, await extensionsOf(task.definition.input), out);
  const outFile = stringFlag(parsed, 'out')!;
  const ref = { url: queue!, name: stringFlag(parsed, 'queue-name') };
  const jobs = () => inputs.map((input) => ({ input: inputReference(input), task: task.definition.task, options: task.options }));
  if (status) {
    // Read only: a collector may be appending to the file right now.
    const { batchStatus } = await import('./queue.js');
    const existing = existsSync(outFile) ? await readExistingResults(outFile, { readOnly: true }) : { done: new Set<string>() };
    return batchStatus(ref, jobs(), existing.done, out);
  }
  const retryErrors = booleanFlag(parsed, 'retry-errors');
  if (existsSync(outFile) && !booleanFlag(parsed, 'skip-existing') && !retryErrors) {
    throw new DlError('INVALID_ARGUMENT', `${outFile} exists: --skip-existing to go on with it (--retry-errors also runs its failed inputs again), or write to another file`);
  }
  const release = await lockFile(outFile);
  try {
    const existing = existsSync(outFile) ? await readExistingResults(outFile, { dropErrors: retryErrors }) : { done: new Set<string>() };
    if (queue !== undefined) {
      const { queueBatch } = await import('./queue.js');
      return await queueBatch({ queue: ref, jobs: jobs(), done: existing.done, outFile, attempts }, out);
    }
    return await batchHere({ task, parsed, inputs, done: existing.done, outFile, workers }, out);
  } finally {
    await release();
  }
}

interface LocalBatch {
  task: ChosenTask;
  parsed: ParsedCommand;
  inputs: string[];
  done: Set<string>;
  outFile: string;
  workers: number;
}

/**
 * Loads the models in every pool thread before the clock starts (the rate and ETA are of inputs only). An option
 * the model cannot honour (`--max-length` with textrank) is a usage error naming its flag, once.
 */
async function warm(pool: Awaited<ReturnType<typeof createTaskPool>>, call: ReturnType<typeof taskCall>, task: ChosenTask, parsed: ParsedCommand): Promise<void> {
  try {
    await pool.warm(call);
  } catch (error) {
    const parameter = isDlError(error, 'INVALID_ARGUMENT') ? error.parameter : undefined;
    if (parameter === undefined || parameter === 'model' || !flagForOption(task.flags, parameter)) throw error;
    throw new UsageError(`${flagFor(task, parsed, parameter)}: ${(error as Error).message}`);
  }
}

/** The local run: a thread pool on this machine. */
async function batchHere({ task, parsed, inputs, done, outFile, workers }: LocalBatch, out: Output): Promise<number> {
  const todo = inputs.filter((input) => !done.has(input));
  const counts: BatchCounts = { total: todo.length, done: 0, errors: 0 };
  const skipped = inputs.length - todo.length;
  const label = `batch ${task.name}`;
  if (skipped > 0) process.stderr.write(`dl: ${label}: ${skipped} of ${inputs.length} inputs already in ${outFile}, ${todo.length} to do\n`);
  const pool = await createTaskPool(Math.min(workers, Math.max(1, todo.length)));
  const { threads, ...options } = task.options;
  // This user's own command: URLs (any host) are theirs to give, as in the task commands; standard input is not
  // an input of a batch.
  const access = { threads: typeof threads === 'number' ? threads : threadsPerWorker(pool.workers), allowUrls: true, allowPrivateHosts: true };
  const call = taskCall(task.definition, options, access);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130); // a second Ctrl-C: now
    process.stderr.write(`\ndl: ${signal}: finishing the inputs in progress; run again with --skip-existing to go on\n`);
    stop.abort();
  };
  let seconds = 0;
  try {
    if (todo.length > 0) await warm(pool, call, task, parsed);
    const results = await openResults(outFile);
    const progress = batchProgress(counts);
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    try {
      await runLocal({ call, chunkSize: chunkSize(task.definition, call.load), inputs: todo, pool, write: results.append, counts, onProgress: progress.update, signal: stop.signal });
      progress.end();
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      await results.close();
    }
    seconds = progress.seconds();
  } finally {
    await pool.close();
  }
  const summary = { task: task.definition.task, out: outFile, inputs: inputs.length, done: counts.done, errors: counts.errors, skipped, seconds: Number(seconds.toFixed(2)), perSecond: Number((counts.done / seconds).toFixed(2)), workers: pool.workers };
  if (out.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.stderr.write(`dl: ${label}: ${counts.done} done (${counts.errors} errors), ${skipped} skipped, ${seconds.toFixed(1)} s, ${summary.perSecond}/s on ${pool.workers} workers -> ${outFile}\n`);
  if (stop.signal.aborted) return 130;
  return counts.errors > 0 ? 1 : 0;
}
