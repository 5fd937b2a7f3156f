import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DlError, expandInputs, isUrl, lockFile, readInput, STDIN } from '@dlkit/core';
import { UsageError } from '../cli-error.js';
import { createTaskPool, threadsPerWorker } from '../batch/pool.js';
import { batchProgress, type BatchCounts } from '../batch/progress.js';
import { openResults, readExistingResults } from '../batch/results-file.js';
import { JOB_OPTIONS } from '../batch/job-schema.js';
import { BATCH_TASKS, isBatchTask, type BatchTask, type TaskOptions } from '../batch/tasks.js';
import { runLocal } from '../batch/local-run.js';
import type { Output } from '../output.js';
import { decimalNumber, positiveInt } from './arguments.js';

export interface BatchArgs {
  /** The task, then its inputs. */
  positionals: string[];
  out?: string;
  list?: string;
  workers?: string;
  skipExisting: boolean;
  retryErrors: boolean;
  model?: string;
  topk?: string;
  threshold?: string;
  sentences?: string;
  maxPixels?: string;
  threads?: string;
  queue?: string;
  queueName?: string;
  attempts?: string;
  status: boolean;
}

/**
 * The options each task takes (those a queue job may carry, and --threads for a local classify); any other is a
 * usage error rather than silently ignored.
 */
const taskFlags = (task: BatchTask): ReadonlyArray<keyof BatchArgs> => [...(Object.keys(JOB_OPTIONS[task].shape) as Array<keyof BatchArgs>), ...(task === 'classify' ? (['threads'] as const) : [])];
const FLAG_NAMES: Partial<Record<keyof BatchArgs, string>> = { model: '--model', topk: '--topk', threshold: '--threshold', sentences: '--sentences', maxPixels: '--max-pixels', threads: '--threads' };

const TEXT_EXTENSIONS = ['.txt', '.md'];

async function extensionsOf(task: BatchTask): Promise<readonly string[]> {
  if (task === 'sentiment' || task === 'summarize-extractive') return TEXT_EXTENSIONS;
  if (task === 'transcribe') return (await import('@dlkit/speech')).AUDIO_EXTENSIONS;
  return (await import('@dlkit/vision')).IMAGE_EXTENSIONS;
}

function taskOptions(task: BatchTask, args: BatchArgs): TaskOptions {
  for (const [flag, name] of Object.entries(FLAG_NAMES) as Array<[keyof BatchArgs, string]>) {
    if (args[flag] !== undefined && !taskFlags(task).includes(flag)) throw new UsageError(`${name} does not apply to batch ${task}`);
  }
  const threshold = decimalNumber('--threshold', args.threshold, { min: 0, max: 1 });
  const options: TaskOptions = {
    ...(args.model !== undefined ? { model: args.model } : {}),
    ...(args.topk !== undefined ? { topk: positiveInt('--topk', args.topk)! } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(args.sentences !== undefined ? { sentences: positiveInt('--sentences', args.sentences)! } : {}),
    ...(args.maxPixels !== undefined ? { maxPixels: positiveInt('--max-pixels', args.maxPixels)! } : {}),
  };
  return options;
}

/** With --queue, the options as a worker will check them: a job it would refuse is a usage error here instead. */
function assertQueueable(task: BatchTask, options: TaskOptions): void {
  const checked = JOB_OPTIONS[task].safeParse(options);
  if (checked.success) return;
  const issue = checked.error.issues[0]!;
  const flag = FLAG_NAMES[issue.path[0] as keyof BatchArgs] ?? String(issue.path[0]);
  throw new UsageError(`${flag} cannot go on the queue as given (dl worker would refuse the jobs): ${issue.message}`);
}

/**
 * The inputs of the batch, in order and without repeats: files, folders, globs and URLs from the command line,
 * then one per line of `--list` (`-`: standard input).
 */
async function gatherInputs(args: BatchArgs, inputs: string[], extensions: readonly string[], out: Output): Promise<string[]> {
  if (inputs.includes(STDIN)) throw new UsageError('batch reads no input from standard input; give a list of inputs with --list - instead');
  const listed =
    args.list === undefined
      ? []
      : (await readInput(args.list))
          .toString('utf8')
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter((line) => line !== '' && !line.startsWith('#'));
  const all = await expandInputs([...inputs, ...listed], { extensions, onSkip: out.walkSkipped });
  return [...new Set(all)];
}

/** Where workers on other machines find an input: URLs as they are, paths made absolute. */
const inputReference = (input: string) => (isUrl(input) ? input : resolve(input));

/** `dl batch <task> <inputs...> --out results.jsonl [--workers N]`, or the same on a Redis queue with `--queue`. */
export async function batch(args: BatchArgs, out: Output): Promise<number> {
  const [taskName, ...rest] = args.positionals;
  if (args.status && args.queue === undefined) throw new UsageError('--status needs --queue redis://host:port');
  if (args.status && taskName === undefined) {
    const { queueStatus } = await import('../batch/queue.js');
    return queueStatus({ url: args.queue!, name: args.queueName }, out);
  }
  if (taskName === undefined) throw new UsageError(`batch needs a task: ${BATCH_TASKS.join(', ')}`);
  if (!isBatchTask(taskName)) throw new UsageError(`batch has no task '${taskName}'; tasks: ${BATCH_TASKS.join(', ')}`);
  const task = taskName;
  const options = taskOptions(task, args);
  if (rest.length === 0 && args.list === undefined) throw new UsageError(`batch ${task} needs inputs: files, folders, globs, URLs, or --list FILE`);
  if (args.out === undefined) throw new UsageError('batch needs --out results.jsonl');
  if (args.queue === undefined && (args.queueName !== undefined || args.attempts !== undefined)) throw new UsageError('--queue-name and --attempts need --queue');
  const workers = positiveInt('--workers', args.workers) ?? availableParallelism();
  if (args.queue !== undefined && (args.workers !== undefined || args.threads !== undefined)) throw new UsageError('--workers and --threads are for a local run; with --queue, start dl worker on each machine');
  if (args.queue !== undefined) assertQueueable(task, options);

  const inputs = await gatherInputs(args, rest, await extensionsOf(task), out);
  const outFile = args.out;
  const jobs = () => inputs.map((input) => ({ input: inputReference(input), task, options }));
  if (args.status) {
    // Read only: a collector may be appending to the file right now.
    const { batchStatus } = await import('../batch/queue.js');
    const existing = existsSync(outFile) ? await readExistingResults(outFile, { readOnly: true }) : { done: new Set<string>() };
    return batchStatus({ url: args.queue!, name: args.queueName }, jobs(), existing.done, out);
  }
  if (existsSync(outFile) && !args.skipExisting && !args.retryErrors) {
    throw new DlError('INVALID_ARGUMENT', `${outFile} exists: --skip-existing to go on with it (--retry-errors also runs its failed inputs again), or write to another file`);
  }
  const release = await lockFile(outFile);
  try {
    const existing = existsSync(outFile) ? await readExistingResults(outFile, { dropErrors: args.retryErrors }) : { done: new Set<string>() };
    if (args.queue !== undefined) {
      const { queueBatch } = await import('../batch/queue.js');
      const attempts = positiveInt('--attempts', args.attempts) ?? 3;
      return await queueBatch({ queue: { url: args.queue, name: args.queueName }, jobs: jobs(), done: existing.done, outFile, attempts }, out);
    }
    return await batchHere({ task, options, inputs, done: existing.done, outFile, workers, threads: positiveInt('--threads', args.threads) }, out);
  } finally {
    await release();
  }
}

interface LocalBatch {
  task: BatchTask;
  options: TaskOptions;
  inputs: string[];
  done: Set<string>;
  outFile: string;
  workers: number;
  threads: number | undefined;
}

/** The local run: a thread pool on this machine. */
async function batchHere({ task, options, inputs, done, outFile, workers, threads }: LocalBatch, out: Output): Promise<number> {
  const todo = inputs.filter((input) => !done.has(input));
  const counts: BatchCounts = { total: todo.length, done: 0, errors: 0 };
  const skipped = inputs.length - todo.length;
  if (skipped > 0) process.stderr.write(`dl: batch ${task}: ${skipped} of ${inputs.length} inputs already in ${outFile}, ${todo.length} to do\n`);
  const pool = await createTaskPool(Math.min(workers, Math.max(1, todo.length)));
  const threaded = { ...options, threads: threads ?? threadsPerWorker(pool.workers) };
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130); // a second Ctrl-C: now
    process.stderr.write(`\ndl: ${signal}: finishing the inputs in progress; run again with --skip-existing to go on\n`);
    stop.abort();
  };
  let seconds = 0;
  try {
    // Models load before the clock starts: the rate and ETA are of inputs only.
    if (todo.length > 0) await pool.warm(task, threaded);
    const results = await openResults(outFile);
    const progress = batchProgress(counts);
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    try {
      await runLocal({ task, options: threaded, inputs: todo, pool, write: results.append, counts, onProgress: progress.update, signal: stop.signal });
      progress.end();
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      await results.close();
    }
    seconds = progress.seconds();
  } finally {
    await pool.close();
  }
  const summary = { task, out: outFile, inputs: inputs.length, done: counts.done, errors: counts.errors, skipped, seconds: Number(seconds.toFixed(2)), perSecond: Number((counts.done / seconds).toFixed(2)), workers: pool.workers };
  if (out.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.stderr.write(`dl: batch ${task}: ${counts.done} done (${counts.errors} errors), ${skipped} skipped, ${seconds.toFixed(1)} s, ${summary.perSecond}/s on ${pool.workers} workers -> ${outFile}\n`);
  if (stop.signal.aborted) return 130;
  return counts.errors > 0 ? 1 : 0;
}
