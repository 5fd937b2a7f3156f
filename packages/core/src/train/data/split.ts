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
  const { train, validation } = splitIndices(dataset.labels, dataset.classes.length, options, dataset.source);
  const seed = options.seed ?? 0;
  return {
    train: subset(dataset, train, `${dataset.source} (train split, seed ${seed})`),
    validation: subset(dataset, validation, `${dataset.source} (validation split, seed ${seed})`),
  };
}

/**
 * The same split as indices into `labels`, for data that must be split before it becomes features (a text
 * vocabulary is built from the training split only).
 */
export function splitIndices(
  labels: ArrayLike<number>,
  classes: number,
  options: SplitOptions,
  source = 'dataset',
): { train: number[]; validation: number[] } {
  const { validation, seed = 0, stratify = true } = options;
  if (!(validation > 0 && validation < 1)) {
    throw new DlError('INVALID_ARGUMENT', `validation fraction must be between 0 and 1, got ${validation}`);
  }
  const rng = createRng(seed, RNG_STREAM.split);
  const groups: number[][] = stratify ? Array.from({ length: classes }, () => []) : [[]];
  for (let i = 0; i < labels.length; i++) groups[stratify ? labels[i]! : 0]!.push(i);
  const train: number[] = [];
  const held: number[] = [];
  for (const group of groups) {
    shuffleInPlace(group, rng);
    const count = Math.round(group.length * validation);
    held.push(...group.slice(0, count));
    train.push(...group.slice(count));
  }
  if (held.length === 0 || train.length === 0) {
    throw new DlError('DATASET_INVALID', `Dataset ${source} (${labels.length} examples) is too small to split ${validation} off for validation`);
  }
  return { train: train.sort((a, b) => a - b), validation: held.sort((a, b) => a - b) };
}
