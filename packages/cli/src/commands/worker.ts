import { availableParallelism } from 'node:os';
import { UsageError } from '../cli-error.js';
import { positiveInt } from './arguments.js';

export interface WorkerArgs {
  rest: string[];
  queue?: string;
  queueName?: string;
  concurrency?: string;
  lockMs?: string;
}

/** `dl worker --queue redis://host:port [--concurrency N]`: processes `dl batch --queue` jobs until stopped. */
export async function worker(args: WorkerArgs): Promise<number> {
  if (args.rest.length > 0) throw new UsageError('worker takes no arguments: the jobs say what to do');
  if (args.queue === undefined) throw new UsageError('worker needs --queue redis://host:port');
  const concurrency = positiveInt('--concurrency', args.concurrency) ?? availableParallelism();
  const lockMs = positiveInt('--lock-ms', args.lockMs) ?? 30_000;
  const { runWorker } = await import('../batch/queue.js');
  return runWorker({ queue: { url: args.queue, name: args.queueName }, concurrency, lockMs });
}
