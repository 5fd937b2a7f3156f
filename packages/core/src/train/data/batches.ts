import { featureSize, type Dataset } from './dataset.js';

export interface Batch {
  /** Features of `size` examples, one after another. */
  x: Float32Array;
  y: Int32Array;
  /** Regression targets of the examples, when the dataset has them. */
  t?: Float32Array;
  size: number;
}

export interface BatchOptions {
  batchSize: number;
  /** Item order (default: 0..size-1). */
  order?: Int32Array;
  /** First batch to yield (resuming mid-epoch skips the others without reading them). */
  startBatch?: number;
  /** Batches read ahead while the current one trains (default 2): all that is ever resident. */
  prefetch?: number;
}

export function batchCount(size: number, batchSize: number): number {
  return Math.ceil(size / batchSize);
}

/** Yields batches in order, reading ahead `prefetch` batches; streaming datasets never load more than that. */
export async function* iterateBatches(dataset: Dataset, options: BatchOptions): AsyncGenerator<Batch> {
  const { batchSize, startBatch = 0, prefetch = 2 } = options;
  const order = options.order ?? Int32Array.from({ length: dataset.size }, (_, i) => i);
  const total = batchCount(order.length, batchSize);
  const width = featureSize(dataset);
  const load = (b: number): Promise<Batch> => {
    const items = Array.from(order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize)));
    return dataset.read(items).then((x) => {
      if (x.length !== items.length * width) throw new Error(`dataset read returned ${x.length} values for ${items.length} examples`);
      const targets = dataset.targets;
      return { x, y: Int32Array.from(items, (i) => dataset.labels[i]!), ...(targets ? { t: Float32Array.from(items, (i) => targets[i]!) } : {}), size: items.length };
    });
  };
  const pending: Array<Promise<Batch>> = [];
  let next = startBatch;
  try {
    while (next < total || pending.length > 0) {
      while (pending.length <= prefetch && next < total) {
        const p = load(next++);
        p.catch(() => {}); // awaited in order below; this only stops an early rejection being reported as unhandled
        pending.push(p);
      }
      yield await pending.shift()!;
    }
  } finally {
    await Promise.allSettled(pending);
  }
}
