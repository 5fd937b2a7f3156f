import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DlError } from '../../errors.js';
import type { StepRequest, WorkerInit, WorkerReply } from './protocol.js';

export interface ShardResult {
  loss: number;
  correct: number;
  grads: Float32Array[];
}

export interface GradientWorkers {
  readonly size: number;
  /** Gradients of one shard on worker `index`. */
  step(index: number, request: Omit<StepRequest, 'id'>): Promise<ShardResult>;
  close(): Promise<void>;
}

/**
 * Starts `count` worker threads, each with its own tfjs (wasm is single-threaded in Node, so this is how a
 * second core helps). The worker script is the built `worker.js`; from TypeScript sources it does not exist.
 */
export async function startGradientWorkers(count: number, init: WorkerInit): Promise<GradientWorkers> {
  const script = new URL('./worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) {
    throw new DlError('BACKEND_UNAVAILABLE', `Parallel training needs the built @dlkit/core (no ${fileURLToPath(script)}); use workers: 1`);
  }
  const pending = new Map<number, { resolve: (r: ShardResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const workers: Worker[] = [];
  const fail = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  try {
    await Promise.all(
      Array.from({ length: count }, () => {
        const worker = new Worker(script, { workerData: init });
        workers.push(worker);
        return new Promise<void>((ready, reject) => {
          worker.on('message', (reply: WorkerReply) => {
            if (reply.type === 'ready') return ready();
            const waiting = reply.id === undefined ? undefined : pending.get(reply.id);
            if (reply.type === 'error') {
              const error = new DlError('BACKEND_UNAVAILABLE', `Training worker failed: ${reply.message}`);
              if (waiting) {
                pending.delete(reply.id!);
                waiting.reject(error);
              } else reject(error);
              return;
            }
            if (waiting) {
              pending.delete(reply.id);
              waiting.resolve(reply);
            }
          });
          worker.on('error', (error) => {
            reject(error);
            fail(error);
          });
          worker.on('exit', (code) => {
            if (code !== 0) fail(new DlError('BACKEND_UNAVAILABLE', `Training worker exited with code ${code}`));
          });
        });
      }),
    );
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
  return {
    size: count,
    step(index, request) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[index]!.postMessage({ ...request, id } satisfies StepRequest);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
