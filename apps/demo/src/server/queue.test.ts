import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { InferenceQueue, nextSlice } from './queue.js';

/** A job that ends when the test says so. */
function gate<T>(value: T) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, job: async () => (await opened, value) };
}

describe('InferenceQueue', () => {
  it('runs jobs one at a time in arrival order, and refuses one past the waiting room with 429 and Retry-After', async () => {
    const queue = new InferenceQueue({ concurrency: 1, maxWaiting: 1 });
    const first = gate('a');
    const second = gate('b');
    const a = queue.run(first.job);
    const b = queue.run(second.job);
    expect(queue.stats()).toMatchObject({ running: 1, waiting: 1 });
    let refused: unknown;
    try {
      void queue.run(async () => 'c');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, code: 'BUSY' });
    expect((refused as ApiError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    second.open();
    first.open();
    expect(await a).toBe('a');
    expect(await b).toBe('b');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queue.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('answers 504 at the deadline; a waiting job leaves the queue, a running one that never checks its signal keeps its slot', async () => {
    const queue = new InferenceQueue({ concurrency: 1, maxWaiting: 4, timeoutMs: 50 });
    const slow = gate('slow');
    const running = queue.run(slow.job);
    let ran = false;
    const waiting = queue.run(async () => (ran = true));
    await expect(running).rejects.toMatchObject({ status: 504, code: 'TIMEOUT' });
    await expect(waiting).rejects.toMatchObject({ status: 504, code: 'TIMEOUT' });
    // The model call behind the first is still going: nothing else may start until it ends.
    expect(queue.stats()).toMatchObject({ running: 1, waiting: 0 });
    let drained = false;
    const drain = queue.drain().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(drained).toBe(false);
    slow.open();
    await drain;
    expect(queue.stats()).toMatchObject({ running: 0, waiting: 0 });
    expect(ran).toBe(false);
  });

  it('a job that works in slices gives its slot back within one slice of the deadline, and the next job runs', async () => {
    const queue = new InferenceQueue({ concurrency: 1, maxWaiting: 4, timeoutMs: 100 });
    let slices = 0;
    // Ten seconds of 20 ms slices of synchronous work, as a model call on the main thread is.
    const stuck = queue.run(async (signal) => {
      for (let i = 0; i < 500; i++) {
        await nextSlice(signal);
        const until = performance.now() + 20;
        while (performance.now() < until) slices += 0;
        slices++;
      }
    });
    const began = performance.now();
    await expect(stuck).rejects.toMatchObject({ status: 504, code: 'TIMEOUT' });
    const next = await queue.run(async (signal) => (signal.aborted ? 'aborted' : 'ran'));
    const took = performance.now() - began;
    expect(next).toBe('ran');
    expect(took).toBeLessThan(100 + 100);
    expect(slices).toBeLessThan(20);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queue.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('passes a job failure to its caller and goes on with the next', async () => {
    const queue = new InferenceQueue();
    await expect(queue.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(async () => 42)).toBe(42);
  });
});
