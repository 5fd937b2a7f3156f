import { availableParallelism } from 'node:os';
import { UsageError } from '../cli-error.js';
import { positiveInt } from './arguments.js';

export interface WorkerArgs {
  rest: string[];
  queue?: string;
  queueName?: string;
  concurrency?: string;
  lockMs?: string;
  /** `--allow-dir DIR`, repeatable: the folders jobs may read inputs from (by real path). */
  allowDirs?: string[];
  /** `--allow-host HOST[:PORT]`, repeatable: the hosts jobs may fetch URL inputs from. */
  allowHosts?: string[];
  /** `--model NAME` or `--model TASK=NAME`, repeatable: models jobs may ask for besides the tasks' own. */
  models?: string[];
}

/**
 * `dl worker --queue redis://host:port --allow-dir DIR [--allow-host HOST] [--model NAME] [--concurrency N]`:
 * processes `dl batch --queue` jobs until stopped, each checked against the allow-lists first.
 */
export async function worker(args: WorkerArgs): Promise<number> {
  if (args.rest.length > 0) throw new UsageError('worker takes no arguments: the jobs say what to do');
  if (args.queue === undefined) throw new UsageError('worker needs --queue redis://host:port');
  const allowDirs = args.allowDirs ?? [];
  const allowHosts = args.allowHosts ?? [];
  // Without either, every job would be refused: a worker that can do nothing is a mistake in its flags.
  if (allowDirs.length === 0 && allowHosts.length === 0) {
    throw new UsageError('worker needs --allow-dir DIR (the folder the inputs are in, as the jobs name it) or --allow-host HOST for URL inputs');
  }
  const concurrency = positiveInt('--concurrency', args.concurrency) ?? availableParallelism();
  const lockMs = positiveInt('--lock-ms', args.lockMs) ?? 30_000;
  const [{ runWorker }, { createJobPolicy }] = await Promise.all([import('../batch/queue.js'), import('../batch/job-policy.js')]);
  const policy = await createJobPolicy({ allowDirs, allowHosts, models: args.models ?? [] });
  // Admitting a job checks its URL; core's reader checks every redirect it takes against the same list. The
  // pool's threads inherit this environment.
  process.env.DL_ALLOW_HOSTS = [...policy.hosts].join(',');
  return runWorker({ queue: { url: args.queue, name: args.queueName }, concurrency, lockMs, policy });
}
