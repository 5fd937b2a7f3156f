import { DlError, FASHION_CLASSES, type Dataset, type FitResult, type LoadedManifest } from '@dlkit/core';
import { VISION_INPUT_KINDS } from '../datasets/input-kinds.js';
import { fromMnistIdx } from '../datasets/mnist.js';
import { idxTrainFiles } from './train-digits.js';
import { trainSmallImages, type SmallImageSpec, type TrainSmallImagesOptions } from './train-small-images.js';

/** Options of `trainFashion`: `data` is `fashion-mnist` (the default), a ref such as `fashion-mnist:train`, or a folder of its IDX files. */
export type TrainFashionOptions = TrainSmallImagesOptions;

export { FASHION_CLASSES };

/**
 * The Fashion-MNIST recipe (`pnpm train:fashion`): core's `cnn` (as the digits'), batch 128, Adam 2e-3 with cosine
 * decay over 12 epochs (32 min 43 s on 2 quiet cores, bench/RESULTS.md), garments mirrored left-right half the time (a
 * mirrored coat is still a coat; digits are not mirrored). Its figures, on the validation split and then once on
 * the official test set, are in bench/RESULTS.md.
 */
export const FASHION_RECIPE = {
  epochs: 12,
  batchSize: 128,
  seed: 42,
  validation: 0.1,
  learningRate: 2e-3,
  augment: { rotate: 0, scale: 0, shift: 0, shear: 0, flip: true },
  /** Gradient threads: fixed rather than the machine's core count, so that every machine gets the same weights. */
  workers: 2,
} as const;

const LICENSE = `# Fashion-MNIST model: licence

Weights trained by dlkit's \`pnpm train:fashion\` (packages/vision/src/digits/train-fashion.ts) on Fashion-MNIST.

- Training data: Fashion-MNIST, Zalando SE (https://github.com/zalandoresearch/fashion-mnist), MIT licence.
- Weights: derived from that data, MIT as the data.
- Code that produced them: Apache-2.0, as the rest of dlkit.
`;

/** Reads the Fashion-MNIST training files (`train-images-idx3-ubyte[.gz]` + labels) in `dir`, with the class names. */
export async function loadFashionData(dir: string): Promise<Dataset> {
  const idx = await idxTrainFiles(dir);
  if (idx === undefined) throw new DlError('DATASET_INVALID', `${dir} holds no Fashion-MNIST IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz])`);
  return fromMnistIdx(idx.images, idx.labels, { classes: FASHION_CLASSES });
}

const FASHION: SmallImageSpec = {
  name: 'fashion',
  recipe: FASHION_RECIPE,
  defaultData: 'fashion-mnist',
  loadFolder: loadFashionData,
  classes: FASHION_CLASSES,
  // Garments are whole images, light on black as the data set has them: resized, not normalised as digits are.
  input: { kind: VISION_INPUT_KINDS.image, width: 28, height: 28, channels: 1 },
  source: (data, heldOut) => `CNN trained by dlkit (dl train fashion) on ${data.size} Fashion-MNIST images (${data.source}); ${heldOut} held out for validation`,
  license: 'MIT (weights, trained on Fashion-MNIST by Zalando SE); see LICENSE.md',
  licenseText: LICENSE,
  command: 'pnpm train:fashion',
};

/**
 * Trains a CNN on Fashion-MNIST (28x28 grey garments, ten classes) and saves an image-classification model that
 * `dl vision classify --model <dir>` reads: light-on-black 28x28 images as the data set has them.
 */
export function trainFashion(options: TrainFashionOptions = {}): Promise<{ result: FitResult; saved?: LoadedManifest }> {
  return trainSmallImages(FASHION, options);
}
