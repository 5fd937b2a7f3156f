/**
 * Seeded randomness for training. Every random draw of a run (shuffle order, augmentation, dropout masks,
 * weight initialisation) comes from a stream named by the seed and its position (epoch, step), never from a
 * shared generator whose state would have to be carried along: a run resumed at epoch e, step s draws exactly
 * what the uninterrupted run drew there.
 */
export type Rng = () => number;

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32 on a seed hashed with the stream's coordinates; uniform in [0, 1). */
export function createRng(seed: number, ...stream: number[]): Rng {
  let state = stream.reduce(mix, mix(0x9e3779b9, seed >>> 0) ^ (Math.floor(seed / 2 ** 32) >>> 0));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stream ids, so that the draws of one purpose never overlap another's. */
export const RNG_STREAM = { init: 1, shuffle: 2, augment: 3, step: 4, split: 5 } as const;

/** Fisher-Yates in place. */
export function shuffleInPlace<T>(items: T[] | Int32Array, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}

/**
 * Runs synchronous `fn` with `Math.random` drawing from `rng`. tfjs has no global seed: initialisers and dropout
 * without an explicit seed draw their seeds from Math.random, so this is what makes a model build or a training
 * step reproducible. Synchronous only, so no other code can run (and draw) while it is swapped.
 */
export function withSeededMathRandom<T>(rng: Rng, fn: () => T): T {
  const original = Math.random;
  Math.random = rng;
  try {
    const result = fn();
    if (result instanceof Promise) throw new Error('withSeededMathRandom takes a synchronous function');
    return result;
  } finally {
    Math.random = original;
  }
}
