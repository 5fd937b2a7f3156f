import { ApiError } from './api-error.js';

export interface QueueOptions {
  /** Jobs run at once (default 1: the models already use every core). */
  concurrency?: number;
  /** Jobs that may wait; one more is refused with 429 (default 8). */
  maxWaiting?: number;
  /** From arrival to answer, waiting included (default 60 s). */
  timeoutMs?: number;
}

export interface QueueStats {
  running: number;
  waiting: number;
  maxWaiting: number;
  concurrency: number;
}

/**
 * A bounded queue in front of the models. A request that would wait behind a full queue is refused at once
 * (429 with Retry-After), so a burst cannot pile up memory or minutes of latency. A job that passes its
 * deadline answers 504 and its signal aborts: jobs work in slices (a few texts, a second of audio, one word)
 * and call `nextSlice` between them, so the slot comes back within one slice. The slot is held until the job
 * has really returned: freeing it earlier would let more work run at once than the machine has cores for.
 */
export class InferenceQueue {
  readonly concurrency: number;
  readonly maxWaiting: number;
  readonly timeoutMs: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Moving average of job seconds, for Retry-After. */
  private jobSeconds = 1;
  private readonly drained: Array<() => void> = [];

  constructor(options: QueueOptions = {}) {
    this.concurrency = options.concurrency ?? 1;
    this.maxWaiting = options.maxWaiting ?? 8;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  stats(): QueueStats {
    return { running: this.running, waiting: this.waiting.length, maxWaiting: this.maxWaiting, concurrency: this.concurrency };
  }

  /** Resolves when no job is running, answered or not: models may be disposed then. */
  drain(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.drained.push(resolve));
  }

  /**
   * Throws BUSY (429) when a job could not wait now. Routes call it before reading an upload: refusing a burst
   * must not first buffer every body in it.
   */
  admit(): void {
    if (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting) {
      const seconds = Math.max(1, Math.ceil((this.jobSeconds * (this.waiting.length + this.running)) / this.concurrency));
      throw new ApiError(429, 'BUSY', `The server is busy (${this.waiting.length} requests waiting). Try again in ${seconds} s.`, seconds);
    }
  }

  /** Runs `job` when a slot is free; its signal aborts at the deadline, with the 504 as its reason. */
  run<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.admit();
    const controller = new AbortController();
    return new Promise<T>((resolve, reject) => {
      let answered = false;
      const start = () => {
        this.running++;
        const began = performance.now();
        Promise.resolve(controller.signal)
          .then(job)
          .then(
            (value) => answered || resolve(value),
            (error: unknown) => answered || reject(error),
          )
          .finally(() => {
            answered = true;
            clearTimeout(timer);
            this.running--;
            this.jobSeconds = 0.8 * this.jobSeconds + 0.2 * ((performance.now() - began) / 1000);
            this.waiting.shift()?.();
            if (this.running === 0) for (const resolve of this.drained.splice(0)) resolve();
          });
      };
      const timer = setTimeout(() => {
        answered = true;
        const queued = this.waiting.indexOf(start);
        if (queued >= 0) this.waiting.splice(queued, 1);
        const timeout = new ApiError(504, 'TIMEOUT', `The request took over ${Math.round(this.timeoutMs / 1000)} s and was given up.`);
        controller.abort(timeout);
        reject(timeout);
      }, this.timeoutMs);
      if (this.running < this.concurrency) start();
      else this.waiting.push(start);
    });
  }
}

/**
 * Where a job may be stopped: lets the event loop run (the deadline is a timer, and a job that only awaits
 * promises that are already settled never lets it fire), then throws the signal's reason if it has aborted.
 */
export async function nextSlice(signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal.throwIfAborted();
}
