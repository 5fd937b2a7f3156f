import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, sep } from 'node:path';
import { Queue, QueueEvents, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { DlError, errorMessage, isDlError, isInside, isUrl } from '@dlkit/core';
import type { Output } from '../output.js';
import { createTaskPool, TASKS_PER_WORKER, threadsPerWorker, type TaskPool } from './pool.js';
import { batchProgress, type BatchCounts } from './progress.js';
import { openResults, type ResultLine } from './results-file.js';
import { printable } from '../terminal/printable.js';
import { admitJob, type JobPolicy } from './job-policy.js';
import { ownModels, resolveBatchTask, taskCall, type TaskAccess, type TaskOptions, type TaskResult } from './tasks.js';

/** Where the jobs are: a Redis URL and the queue's name there. */
export interface QueueRef {
  url: string;
  name?: string | undefined;
}

/** What a job carries: a reference to the input (never its bytes), the task (by its row's name) and its options. */
export interface JobData {
  task: string;
  /** The task's own options by their library names (`topK`, `maxPixels`), and `model`. */
  options: TaskOptions;
  input: string;
}

const DEFAULT_QUEUE = 'dlkit';
const CONNECT_TIMEOUT_MS = 10_000;

/** Errors that the same input gives again on any machine: recorded at once, not retried. */
const FINAL_CODES = new Set(['INPUT_UNREADABLE', 'INPUT_TOO_LARGE', 'INPUT_UNSUPPORTED', 'INVALID_ARGUMENT']);

/**
 * The job id: a hash of task, options and input reference. The same input of the same batch is one job however
 * often it is queued (BullMQ ignores a job whose id exists), which makes re-running `dl batch --queue` safe.
 */
export function jobId(data: JobData): string {
  // The task in front: BullMQ refuses ids that read as integers.
  return `${data.task}-${createHash('sha256').update(JSON.stringify([data.task, data.options, data.input])).digest('hex').slice(0, 40)}`;
}

function connection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DlError('INVALID_ARGUMENT', `--queue must be a redis:// URL, got '${url}'`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new DlError('INVALID_ARGUMENT', `--queue must be a redis:// or rediss:// URL, got '${url}'`);
  // BullMQ's workers block on Redis: commands must wait for a reconnect rather than fail after some retries.
  return { url, maxRetriesPerRequest: null };
}

/**
 * Resolves once connected; a Redis that refuses or does not answer fails the command rather than hanging it
 * (ioredis would retry for ever).
 */
async function ready(client: { waitUntilReady(): Promise<unknown>; on(event: 'error', listener: (error: Error) => void): unknown }, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onError: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    const fail = (why: string) => reject(new DlError('BACKEND_UNAVAILABLE', `${url}: cannot reach Redis (${why})`));
    onError = (error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') fail(error.message);
    };
    timer = setTimeout(() => fail(`no answer in ${CONNECT_TIMEOUT_MS / 1000} s`), CONNECT_TIMEOUT_MS);
  });
  client.on('error', (error) => onError(error));
  try {
    await Promise.race([client.waitUntilReady(), failed]);
  } finally {
    clearTimeout(timer);
    onError = () => {};
  }
}

async function openQueue(ref: QueueRef): Promise<Queue<JobData, TaskResult>> {
  const queue = new Queue<JobData, TaskResult>(ref.name ?? DEFAULT_QUEUE, { connection: connection(ref.url) });
  try {
    await ready(queue, ref.url);
  } catch (error) {
    await queue.close().catch(() => {});
    throw error;
  }
  return queue;
}

/** A failed job's reason as `{code, message}`: workers throw `CODE: message`. */
export function failedError(reason: string | undefined): { code: string; message: string } {
  const match = /^([A-Z_]+): ([\s\S]*)$/.exec(reason ?? '');
  return match ? { code: match[1]!, message: match[2]! } : { code: 'INTERNAL', message: reason || 'the job failed' };
}

/** Retries with backoff (1 s, 2 s, ...); kept after they finish until their result is collected. */
const jobOptions = (data: JobData, attempts: number) => ({
  jobId: jobId(data),
  attempts,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: false,
  removeOnFail: false,
});

/**
 * The allow-list flags a worker needs to take these jobs, for the message that says to start one: a hint, not a
 * declaration, as a worker trusts its own flags alone (job-policy.ts). Many folders are shown as the one they
 * share, unless that is `/`; a long list is cut.
 */
function workerFlags(jobs: readonly JobData[]): string {
  const dirs = [...new Set(jobs.filter((job) => !isUrl(job.input)).map((job) => dirname(job.input)))].sort();
  const roots = dirs.filter((dir, i) => !dirs.slice(0, i).some((root) => isInside(dir, root)));
  const shared = roots.length > 2 ? roots.reduce(commonDir) : '/';
  const hosts = [...new Set(jobs.filter((job) => isUrl(job.input)).map((job) => new URL(job.input).host))];
  // A task's own models (its default, the one an old name implies) load on any worker without a flag.
  const named = jobs.filter((job) => job.options.model !== undefined && !ownModels(resolveBatchTask(job.task).definition).includes(job.options.model));
  const models = [...new Set(named.map((job) => job.options.model!))];
  const flags = [...(shared === '/' ? roots : [shared]).map((dir) => `--allow-dir ${dir}`), ...hosts.map((host) => `--allow-host ${host}`), ...models.map((model) => `--model ${model}`)];
  return flags.length > 4 ? ` ${flags.slice(0, 4).join(' ')} (and ${flags.length - 4} more)` : flags.map((flag) => ` ${flag}`).join('');
}

/** The deepest folder that holds both (absolute, normalised) folders. */
function commonDir(a: string, b: string): string {
  const as = a.split(sep);
  const bs = b.split(sep);
  let n = 0;
  while (n < as.length && as[n] === bs[n]) n++;
  return as.slice(0, n).join(sep) || sep;
}

export interface QueueBatch {
  queue: QueueRef;
  jobs: JobData[];
  /** Inputs already in the results file. */
  done: Set<string>;
  outFile: string;
  attempts: number;
}

/**
 * Queues the batch's jobs and writes each one's result to the results file once it is finished, one line per
 * input: a job's result is written, then the job is removed, so that Redis holds only what is still to do or
 * still to collect. Killed and run again, it queues nothing twice and writes nothing twice.
 */
export async function queueBatch(batch: QueueBatch, out: Output): Promise<number> {
  const queue = await openQueue(batch.queue);
  const events = new QueueEvents(queue.name, { connection: connection(batch.queue.url) });
  events.on('error', () => {}); // reconnects on its own; the sweep below catches up on what was missed
  const pending = new Map<string, JobData>();
  for (const data of batch.jobs) if (!batch.done.has(data.input)) pending.set(jobId(data), data);
  const counts: BatchCounts = { total: pending.size, done: 0, errors: 0 };
  const results = await openResults(batch.outFile);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\ndl: ${signal}: the jobs stay queued and the workers go on; run the same command again to collect their results\n`);
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    const skipped = batch.jobs.length - pending.size;
    const toAdd = [...pending.values()];
    for (let start = 0; start < toAdd.length; start += 500) {
      await queue.addBulk(toAdd.slice(start, start + 500).map((data) => ({ name: data.task, data, opts: jobOptions(data, batch.attempts) })));
    }
    process.stderr.write(
      `dl: batch: ${pending.size} jobs on ${batch.queue.url} queue ${queue.name}${skipped ? ` (${skipped} inputs already in ${batch.outFile})` : ''}; start dl worker --queue ${batch.queue.url}${workerFlags(toAdd)} where the inputs are reachable\n`,
    );
    const progress = batchProgress(counts);
    const finished = new Set<string>();
    events.on('completed', ({ jobId: id }) => finished.add(id));
    events.on('failed', ({ jobId: id }) => finished.add(id));
    await events.waitUntilReady();
    let lastSweep = 0;
    while (pending.size > 0 && !interrupted) {
      // Events say which jobs to look at. Every few seconds a sweep catches those whose events were missed
      // (sent before this command started, or while it was disconnected).
      let ids: string[];
      if (performance.now() - lastSweep > 5000) {
        lastSweep = performance.now();
        ids = await sweep(queue, pending);
      } else {
        ids = [...finished].filter((id) => pending.has(id));
      }
      finished.clear();
      for (let start = 0; start < ids.length && !interrupted; start += 200) {
        const { lines, finished: jobs } = await collect(queue, ids.slice(start, start + 200), pending, batch.attempts);
        // Written before the jobs go: killed in between, the next run finds these inputs done and queues none
        // of them again.
        await results.append(lines);
        for (const job of jobs) pending.delete(job.id!);
        await Promise.all(jobs.map((job) => job.remove().catch(() => {})));
        counts.done += lines.length;
        counts.errors += lines.filter((line) => 'error' in line).length;
      }
      progress.update();
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 100));
    }
    progress.end();
    const seconds = progress.seconds();
    if (out.json) process.stdout.write(`${JSON.stringify({ queue: queue.name, out: batch.outFile, inputs: batch.jobs.length, done: counts.done, errors: counts.errors, skipped, pending: pending.size, seconds: Number(seconds.toFixed(2)) })}\n`);
    process.stderr.write(`dl: batch: ${counts.done} done (${counts.errors} errors), ${skipped} skipped, ${pending.size} still queued, ${seconds.toFixed(1)} s -> ${batch.outFile}\n`);
    if (interrupted) return 130;
    return counts.errors > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await results.close();
    await events.close();
    await queue.close();
  }
}

/**
 * The pending jobs that may be finished: those in the completed and failed sets (which hold only what no one has
 * collected yet, so the cost does not grow with the batch), or, once nothing is left to run, every pending job,
 * so that one removed behind this command's back is found and queued again.
 */
async function sweep(queue: Queue<JobData, TaskResult>, pending: Map<string, JobData>): Promise<string[]> {
  const running = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  if (Object.values(running).every((n) => n === 0)) return [...pending.keys()];
  const ids: string[] = [];
  for (let start = 0; ; start += 1000) {
    const jobs = await queue.getJobs(['completed', 'failed'], start, start + 999, true);
    for (const job of jobs) if (job?.id !== undefined && pending.has(job.id)) ids.push(job.id);
    if (jobs.length < 1000) return ids;
  }
}

/** The result lines of those of `ids` that are finished, and their jobs (to remove once the lines are written). */
async function collect(queue: Queue<JobData, TaskResult>, ids: string[], pending: Map<string, JobData>, attempts: number) {
  const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
  const lines: ResultLine[] = [];
  const finished: Array<Job<JobData, TaskResult>> = [];
  for (const [i, job] of jobs.entries()) {
    const data = pending.get(ids[i]!)!;
    if (job === undefined) {
      // Removed before its result was written here (an obliterate, a clean): queued again.
      await queue.add(data.task, data, jobOptions(data, attempts));
      continue;
    }
    // finishedOn is set only when a job is completed or has failed for good (not between retries); a completed
    // job always has a result, as every task returns an object.
    if (!job.finishedOn) continue;
    lines.push(job.returnvalue ? { input: data.input, ...job.returnvalue } : { input: data.input, error: failedError(job.failedReason) });
    finished.push(job);
  }
  return { lines, finished };
}

/**
 * The job to run, checked against this worker's allow-lists before anything reads a file, a URL or a model. A
 * refusal that any worker with these flags would make fails the job at once (UnrecoverableError: not retried);
 * a file not there yet (a slow mount) is retried as a task's own INPUT_NOT_FOUND is.
 */
async function admit(data: unknown, policy: JobPolicy): Promise<JobData> {
  try {
    return await admitJob(data, policy);
  } catch (error) {
    if (!isDlError(error)) throw error;
    const reason = `${error.code}: ${error.message}`;
    throw FINAL_CODES.has(error.code) ? new UnrecoverableError(reason) : new Error(reason);
  }
}

export interface WorkerOptions {
  queue: QueueRef;
  concurrency: number;
  /** How long a job's lock lasts without renewal; a killed worker's jobs go to another after about this long. */
  lockMs: number;
  /** What jobs may read and load: the worker's --allow-dir, --allow-host and --model flags. */
  policy: JobPolicy;
}

interface WorkerCounts {
  done: number;
  failed: number;
}

/** The BullMQ worker that admits each job against the policy and runs it on the pool, its events reported. */
function queueWorker(options: WorkerOptions, access: TaskAccess, pool: () => TaskPool, counts: WorkerCounts): Worker<JobData, TaskResult> {
  const worker = new Worker<JobData, TaskResult>(
    options.queue.name ?? DEFAULT_QUEUE,
    async (job) => {
      const data = await admit(job.data, options.policy);
      const [result] = await pool().run(taskCall(resolveBatchTask(data.task).definition, data.options, access), [data.input]);
      // Thrown errors are retried with backoff, then the job fails with `CODE: message` as its reason.
      if (result && 'error' in result && !FINAL_CODES.has(result.error.code)) throw new Error(`${result.error.code}: ${result.error.message}`);
      return result!;
    },
    {
      connection: connection(options.queue.url),
      concurrency: options.concurrency * TASKS_PER_WORKER,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      // A job whose worker died twice is failed rather than handed out forever.
      maxStalledCount: 2,
      name: `${hostname()}:${process.pid}`,
      autorun: false,
    },
  );
  worker.on('completed', () => void counts.done++);
  // Seen by whichever worker runs the stalled-job check: the job's own worker died or hung past its lock.
  worker.on('stalled', (id) => process.stderr.write(`dl worker: job ${id}: its worker stopped renewing its lock; queued again\n`));
  worker.on('failed', (job, error) => {
    counts.failed++;
    // The input is whatever the job said (it may have been refused): its control characters are shown, not obeyed.
    process.stderr.write(`dl worker: ${printable(`${job?.data?.input ?? job?.id}: ${errorMessage(error)}`, { keepNewlines: false })}${job && error.name !== 'UnrecoverableError' && job.attemptsMade < (job.opts.attempts ?? 1) ? ' (will retry)' : ''}\n`);
  });
  let lastError = '';
  worker.on('error', (error) => {
    if (error.message !== lastError) process.stderr.write(`dl worker: ${error.message}\n`);
    lastError = error.message;
  });
  return worker;
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });
}

/**
 * Finishes the jobs in hand. A worker that cannot reach Redis would wait for ever to hand its results in: after a
 * grace period it leaves them, and their lapsed locks give them to another worker.
 */
async function finishJobs(worker: Worker<JobData, TaskResult>, pool: TaskPool, lockMs: number): Promise<void> {
  const grace = Math.max(60_000, 2 * lockMs);
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = await Promise.race([
    worker.close().then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace))),
  ]);
  clearTimeout(timer);
  if (gaveUp) {
    process.stderr.write(`dl worker: jobs still in hand after ${grace / 1000} s; leaving them to another worker\n`);
    await pool.close();
    // The Redis client would go on reconnecting and keep the process alive.
    process.exit(1);
  }
  await pool.close();
}

/**
 * `dl worker`: `concurrency` threads, each with its own models (loaded on its first job of a task, kept for the
 * next) and two jobs at a time, as in a local batch. Runs until SIGINT or SIGTERM, then finishes the jobs
 * it holds and exits.
 */
export async function runWorker(options: WorkerOptions): Promise<number> {
  // URLs only with --allow-host: core then fetches from those hosts alone (every redirect too, by DL_ALLOW_HOSTS)
  // and lets them be private, as the operator listed them; any other private address stays refused.
  const access: TaskAccess = { threads: threadsPerWorker(options.concurrency), allowUrls: options.policy.hosts.size > 0, allowPrivateHosts: false };
  let pool: TaskPool | undefined;
  const counts: WorkerCounts = { done: 0, failed: 0 };
  const worker = queueWorker(options, access, () => pool!, counts);
  try {
    await ready(worker, options.queue.url);
  } catch (error) {
    await worker.close(true);
    throw error;
  }
  pool = await createTaskPool(options.concurrency);
  const stopped = stopSignal();
  process.stderr.write(`dl worker: ${options.concurrency} worker${options.concurrency === 1 ? '' : 's'} on ${options.queue.url} queue ${worker.name}\n`);
  process.stderr.write(`dl worker: ${describePolicy(options.policy)}\n`);
  const started = performance.now();
  const report = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`dl worker: ${counts.done} done, ${counts.failed} failed attempts, ${(counts.done / seconds).toFixed(1)}/s\n`);
  }, 10_000);
  void worker.run();
  const signal = await stopped;
  clearInterval(report);
  process.stderr.write(`dl worker: ${signal}: finishing the jobs in hand\n`);
  await finishJobs(worker, pool, options.lockMs);
  process.stderr.write(`dl worker: stopped after ${counts.done} jobs\n`);
  return 0;
}

/** What this worker takes, said at its start: a job outside it is refused. */
function describePolicy({ dirs, hosts, models }: JobPolicy): string {
  const list = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));
  const named = [...models.any, ...[...models.byTask].flatMap(([task, names]) => [...names].map((name) => `${task}=${name}`))];
  return `inputs under ${list(dirs.map((dir) => dir.given))}; URLs on ${list([...hosts])}; models: the tasks' own${named.length ? ` and ${named.join(', ')}` : ''}`;
}

async function stateCounts(queue: Queue<JobData, TaskResult>) {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
  const workers = await queue.getWorkersCount();
  return { ...counts, workers };
}

const describeCounts = (c: Record<string, number>) =>
  `${c.waiting! + (c.prioritized ?? 0)} waiting, ${c.active} active, ${c.delayed} waiting to retry, ${c.completed} completed and ${c.failed} failed not yet collected, ${c.workers} workers`;

/** `dl batch --queue URL --status`: the whole queue's job counts and connected workers. */
export async function queueStatus(ref: QueueRef, out: Output): Promise<number> {
  const queue = await openQueue(ref);
  try {
    const counts = await stateCounts(queue);
    if (out.json) process.stdout.write(`${JSON.stringify({ queue: queue.name, ...counts })}\n`);
    else process.stdout.write(`queue ${queue.name} on ${ref.url}: ${describeCounts(counts)}\n`);
    return 0;
  } finally {
    await queue.close();
  }
}

/** `dl batch <task> <inputs> --out F --queue URL --status`: where this batch's inputs are. */
export async function batchStatus(ref: QueueRef, jobs: JobData[], done: Set<string>, out: Output): Promise<number> {
  const queue = await openQueue(ref);
  try {
    const states: Record<string, number> = { 'in the results file': 0 };
    const todo = jobs.filter((data) => {
      if (!done.has(data.input)) return true;
      states['in the results file']!++;
      return false;
    });
    for (let start = 0; start < todo.length; start += 500) {
      for (const state of await Promise.all(todo.slice(start, start + 500).map((data) => queue.getJobState(jobId(data))))) {
        const name = state === 'unknown' ? 'not queued' : state;
        states[name] = (states[name] ?? 0) + 1;
      }
    }
    const counts = await stateCounts(queue);
    if (out.json) process.stdout.write(`${JSON.stringify({ queue: queue.name, inputs: jobs.length, batch: states, queueCounts: counts })}\n`);
    else {
      const parts = Object.entries(states).map(([state, n]) => `${n} ${state}`);
      process.stdout.write(`batch: ${jobs.length} inputs: ${parts.join(', ')}\nqueue ${queue.name} on ${ref.url}: ${describeCounts(counts)}\n`);
    }
    return 0;
  } finally {
    await queue.close();
  }
}
