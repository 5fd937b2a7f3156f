import { DlError } from '../../errors.js';
import { createRng, RNG_STREAM, shuffleInPlace } from '../random.js';
import { subset, type Dataset } from './dataset.js';

export interface SplitOptions {
  /** Fraction of the items held out for validation, in (0, 1). */
  validation: number;
  seed?: number;
  /** Hold out the same fraction of every class (default true). */
  stratify?: boolean;
}

/** Seeded train / validation split; the same seed and data give the same split. */
export function splitDataset(dataset: Dataset, options: SplitOptions): { train: Dataset; validation: Dataset } {
  const { validation, seed = 0, stratify = true } = options;
  if (!(validation > 0 && validation < 1)) {
    throw new DlError('INVALID_ARGUMENT', `validation fraction must be between 0 and 1, got ${validation}`);
  }
  const rng = createRng(seed, RNG_STREAM.split);
  const groups: number[][] = stratify ? dataset.classes.map(() => []) : [[]];
  for (let i = 0; i < dataset.size; i++) groups[stratify ? dataset.labels[i]! : 0]!.push(i);
  const train: number[] = [];
  const held: number[] = [];
  for (const group of groups) {
    shuffleInPlace(group, rng);
    const count = Math.round(group.length * validation);
    held.push(...group.slice(0, count));
    train.push(...group.slice(count));
  }
  if (held.length === 0 || train.length === 0) {
    throw new DlError('DATASET_INVALID', `Dataset ${dataset.source} (${dataset.size} examples) is too small to split ${validation} off for validation`);
  }
  train.sort((a, b) => a - b);
  held.sort((a, b) => a - b);
  return {
    train: subset(dataset, train, `${dataset.source} (train split, seed ${seed})`),
    validation: subset(dataset, held, `${dataset.source} (validation split, seed ${seed})`),
  };
}
