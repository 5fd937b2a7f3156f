import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { DlError, isDlErrorCode } from '@dlkit/core';
import type { ThreadReply, ThreadTask } from './thread.js';
import { errorInfo } from '../output.js';
import type { TaskCall, TaskResult } from './tasks.js';

export const TASKS_PER_WORKER = 2;

export interface TaskPool {
  readonly workers: number;
  /** Results in the order of `inputs`; a worker that dies fails its inputs, not the pool. */
  run(call: TaskCall, inputs: string[]): Promise<TaskResult[]>;
  /**
   * Loads the task's models in every worker first and checks the call options on no input, so a model that
   * cannot load, or an option it cannot honour, fails the command once.
   */
  warm(call: TaskCall): Promise<void>;
  close(): Promise<void>;
}

/**
 * onnxruntime threads per worker: the cores shared out, so that N workers do not each start a thread per core
 * and fight over them.
 */
export const threadsPerWorker = (workers: number) => Math.max(1, Math.floor(availableParallelism() / workers));

/** A pool of `workers` threads, each running `thread.js` with its own copy of the models. */
export async function createTaskPool(workers: number): Promise<TaskPool> {
  // sharp (in @dlkit/vision) must be loaded by the main thread before any worker thread loads it: on glibc Linux
  // a thread that exits would otherwise unload libvips under the others (sharp's documentation, worker threads).
  await import('@dlkit/vision');
  const pool = new Piscina<ThreadTask, ThreadReply>({
    filename: new URL('./thread.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    // Threads stay alive between inputs (their models with them), however long the queue is quiet.
    idleTimeout: Number.POSITIVE_INFINITY,
    // Two calls per thread: one decodes its inputs (on libuv's threads) while the other runs the model, so
    // no core waits for the other stage: 2 workers went from 163 to 192-197 images/s (bench/RESULTS.md, dl batch).
    concurrentTasksPerWorker: TASKS_PER_WORKER,
    atomics: 'disabled',
  });
  return {
    workers,
    async run(call, inputs) {
      let reply: ThreadReply;
      try {
        reply = await pool.run({ ...call, inputs } satisfies ThreadTask);
      } catch (error) {
        reply = { loadError: errorInfo(error) };
      }
      if ('results' in reply) return reply.results;
      const { code, message, hint } = reply.loadError;
      return inputs.map(() => ({ error: { code, message, ...(hint === undefined ? {} : { hint }) } }));
    },
    async warm(call) {
      // As many empty calls as threads, at once: each goes to an idle thread (piscina hands a task to a busy
      // thread only when none is idle).
      const replies = await Promise.all(Array.from({ length: workers }, () => pool.run({ ...call, inputs: [] } satisfies ThreadTask)));
      for (const reply of replies) {
        if ('loadError' in reply) {
          const { code, message, hint, parameter } = reply.loadError;
          // The hint is in words by now: it goes with the message.
          throw new DlError(isDlErrorCode(code) ? code : 'MODEL_INVALID', hint === undefined ? message : `${message} (${hint})`, parameter === undefined ? {} : { parameter });
        }
      }
    },
    close: () => pool.destroy(),
  };
}
