import { TASKS_PER_WORKER, type TaskPool } from './pool.js';
import type { BatchCounts } from './progress.js';
import type { ResultLine } from './results-file.js';
import type { TaskCall } from './tasks.js';

export interface LocalRun {
  call: TaskCall;
  /** Inputs per call to a pool thread. */
  chunkSize: number;
  /** The inputs still to do, in order. */
  inputs: readonly string[];
  pool: TaskPool;
  write(lines: ResultLine[]): Promise<void>;
  counts: BatchCounts;
  onProgress(): void;
  /** Aborted: no new inputs are handed out; those in flight finish and are written. */
  signal?: AbortSignal;
}

/**
 * Feeds the inputs to the pool a chunk at a time, with at most one chunk per worker waiting beyond those the
 * workers run, so none idles between chunks and memory stays bounded whatever the number of inputs. Results
 * are written as they come, in the order they finish.
 */
export async function runLocal(run: LocalRun): Promise<void> {
  const size = run.chunkSize;
  const inFlight = new Set<Promise<void>>();
  try {
    for (let start = 0; start < run.inputs.length && !run.signal?.aborted; start += size) {
      const chunk = run.inputs.slice(start, start + size);
      const job = run.pool.run(run.call, chunk).then(async (results) => {
        const lines = results.map((result, i): ResultLine => ({ input: chunk[i]!, ...result }));
        await run.write(lines);
        run.counts.done += lines.length;
        run.counts.errors += lines.filter((line) => 'error' in line).length;
        run.onProgress();
      });
      const tracked = job.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= run.pool.workers * (TASKS_PER_WORKER + 1)) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    // A failed write stops the run: the chunks still out are waited for, never left to reject unheard.
    await Promise.allSettled(inFlight);
  }
}
