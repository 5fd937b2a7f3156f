import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testDataset } from '../testing.js';
import { fromArrays, type Dataset } from './data/dataset.js';
import type { Rng } from './random.js';

/**
 * The MNIST digits of github.com/cazala/mnist (JSON) that core's training tests learn from, found through the
 * data-set registry; undefined (one line printed) where the set is absent: such tests skip.
 */
export const DIGITS_DIR = testDataset('mnist-cazala');

/**
 * The 10,000 digits as a dataset, pixels quantised to bytes as @dlkit/vision's `fromDigitsJson` stores them
 * (core cannot import vision, which depends on it): the same examples, so the same figures.
 */
export async function realDigits(dir = DIGITS_DIR): Promise<Dataset> {
  if (dir === undefined) throw new Error('the mnist-cazala data set is absent: skip this test with describe.skipIf(!DIGITS_DIR)');
  const chunks: Float32Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(await readFile(join(dir, `${digit}.json`), 'utf8')) as { data: number[] };
    chunks.push(Float32Array.from(data, (v) => Math.round(v * 255) / 255));
    labels.push(...Array.from({ length: data.length / 784 }, () => digit));
  }
  const features = new Float32Array(labels.length * 784);
  chunks.reduce((offset, chunk) => (features.set(chunk, offset), offset + chunk.length), 0);
  return fromArrays({ features, shape: [28, 28, 1], labels, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], source: dir });
}

/** A random shift of a square image by up to `max` whole pixels, drawing from `rng`: augmentation for fit's tests. */
export function randomShift(side: number, max = 2): (features: Float32Array, rng: Rng) => Float32Array {
  return (src, rng) => {
    const dx = Math.round((rng() * 2 - 1) * max);
    const dy = Math.round((rng() * 2 - 1) * max);
    const out = new Float32Array(src.length);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const [sx, sy] = [x - dx, y - dy];
        if (sx >= 0 && sy >= 0 && sx < side && sy < side) out[y * side + x] = src[sy * side + sx]!;
      }
    }
    return out;
  };
}
