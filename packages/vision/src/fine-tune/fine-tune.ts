import {
  claimModelFolder,
  buildArchitecture,
  createRng,
  DlError,
  featureExtractor,
  fit,
  fromArrays,
  loadLayersModel,
  loadLocalModel,
  parseModelReference,
  RNG_STREAM,
  saveLayersModel,
  selectTfjsBackend,
  splitDataset,
  stackModels,
  summaryMetrics,
  terminateOnNaN,
  type Callback,
  type Dataset,
  type FitResult,
  type LoadedManifest,
  type Tf,
} from '@dlkit/core';
import { randomAffine } from '../datasets/image-affine.js';
import { imageFolderDataset } from '../datasets/image-folder.js';
// The backbone is an embedded model, registered before it is looked up by name.
import '../embedded.js';

type Tensor = ReturnType<Tf['tensor']>;

export interface FineTuneOptions {
  /** Folder with one sub-folder of images per class. */
  train: string;
  /** Same layout, for validation (default: a stratified 20% of `train`). */
  validation?: string;
  /** Model folder to write. */
  out?: string;
  /** Replace a model already in `out` (default false: OUTPUT_EXISTS, before any training). */
  overwrite?: boolean;
  /** Side of the square input the backbone sees (default 160; its convolutions take any size). */
  size?: number;
  /** Features are the backbone's map average-pooled to grid x grid (default 2: keeps coarse layout). */
  grid?: number;
  epochs?: number;
  seed?: number;
  /** Randomly transformed copies of each training image, besides the image itself (default 2). */
  augmentations?: number;
  learningRate?: number;
  callbacks?: Callback[];
  signal?: AbortSignal;
  /** Feature extraction progress: images done of total. */
  onFeatures?: (done: number, total: number) => void;
}

const BACKBONE = 'darknet-tiny';

/**
 * The backbone's input side: every feature pass holds a batch of size x size x 3 images and their 512-channel
 * maps, so 1024 (40 times the pixels of the default 160) is plenty and bounds the memory.
 */
const FINE_TUNE_MAX_SIZE = 1024;
/** Augmented copies of each training image, all held as features. */
const FINE_TUNE_MAX_AUGMENTATIONS = 16;

function boundedInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new DlError('INVALID_ARGUMENT', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** The training images and their validation set: the given folder, or a stratified 20% of the training images. */
async function trainingImages(options: FineTuneOptions, image: { width: number; height: number; channels: 3 }, seed: number) {
  const all = (await imageFolderDataset(options.train, image)).dataset;
  const split = options.validation
    ? { train: all, validation: (await imageFolderDataset(options.validation, image)).dataset }
    : splitDataset(all, { validation: 0.2, seed, stratify: true });
  if (split.validation.classes.join() !== split.train.classes.join()) {
    throw new DlError('DATASET_INVALID', `Validation classes (${split.validation.classes.join(', ')}) differ from training classes (${split.train.classes.join(', ')})`);
  }
  return { all, split };
}

/**
 * Transfer learning: the embedded Darknet Tiny backbone (ImageNet), frozen and cut before its classifier, gives
 * its 512-channel map pooled to a grid (2x2: 2048 features) per image, computed once (for the images and a few augmented copies); a small dense head is
 * trained on them with core's fit loop; backbone and head are saved as one model that `pipeline('image-classification', out)` loads.
 */
export async function fineTune(options: FineTuneOptions): Promise<{ result: FitResult; saved?: LoadedManifest }> {
  const size = boundedInt('size', options.size ?? 160, 1, FINE_TUNE_MAX_SIZE);
  const seed = options.seed ?? 0;
  const copies = boundedInt('augmentations', options.augmentations ?? 2, 0, FINE_TUNE_MAX_AUGMENTATIONS);
  await using _claim = await claimModelFolder(options.out, { overwrite: options.overwrite });
  const { tf } = await selectTfjsBackend();
  const image = { width: size, height: size, channels: 3 as const };
  const { all, split } = await trainingImages(options, image, seed);
  const loaded = await loadLocalModel(parseModelReference(BACKBONE), 'image-features');
  const layer = (loaded.manifest.input as { features?: string } | undefined)?.features;
  if (layer === undefined) throw new DlError('MODEL_INVALID', `Backbone ${BACKBONE} names no features layer`);
  const backbone = await loadLayersModel(loaded);
  const grid = options.grid ?? 2;
  const trunk = await featureExtractor(backbone, layer, [size, size, 3], grid);
  const width = trunk.outputs[0]!.shape[1] as number;
  const augment = randomAffine({ height: size, width: size, channels: 3, rotate: 10, scale: 0.1, shift: size * 0.06 });
  const total = split.train.size * (1 + copies) + split.validation.size;
  let done = 0;

  /** Features of every item of `dataset`, `copies` augmented versions of each after the originals. */
  const extract = async (dataset: Dataset, variants: number): Promise<Dataset> => {
    const features = new Float32Array(dataset.size * (1 + variants) * width);
    const labels: number[] = [];
    const batch = 16;
    for (let v = 0; v <= variants; v++) {
      for (let start = 0; start < dataset.size; start += batch) {
        const items = Array.from({ length: Math.min(batch, dataset.size - start) }, (_, i) => start + i);
        const pixels = await dataset.read(items);
        const per = size * size * 3;
        if (v > 0) {
          items.forEach((item, i) => pixels.set(augment(pixels.subarray(i * per, (i + 1) * per), createRng(seed, RNG_STREAM.augment, v, item)), i * per));
        }
        const out = tf.tidy(() => (trunk.predict(tf.tensor4d(pixels, [items.length, size, size, 3])) as Tensor).dataSync());
        features.set(out, (v * dataset.size + start) * width);
        labels.push(...items.map((i) => dataset.labels[i]!));
        done += items.length;
        options.onFeatures?.(done, total);
        if (options.signal?.aborted) throw new DlError('ABORTED', 'Fine-tuning interrupted while extracting features');
      }
    }
    return fromArrays({ features, labels, shape: [width], classes: [...dataset.classes], source: dataset.source });
  };

  const head = await buildArchitecture('mlp', { inputShape: [width], classes: all.classes.length, hidden: [256], dropout: 0.3, seed });
  try {
    const train = await extract(split.train, copies);
    const validation = await extract(split.validation, 0);
    const result = await fit(head, train, {
      epochs: options.epochs ?? 30,
      batchSize: 32,
      seed,
      validation,
      optimizer: { name: 'adam', learningRate: options.learningRate ?? 1e-3 },
      callbacks: [terminateOnNaN(), ...(options.callbacks ?? [])],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (options.out === undefined || result.stopReason === 'aborted') return { result };
    const model = await stackModels(trunk, head);
    const saved = await saveLayersModel(model, options.out, {
      name: 'fine-tuned',
      task: 'image-classification',
      labels: all.classes,
      input: { kind: 'image', ...image },
      source: `fine-tuned by dlkit from ${BACKBONE} (${loaded.manifest.source}) on ${all.source}`,
      license: `backbone: ${loaded.manifest.license}; head: as the training data`,
      metrics: summaryMetrics(result),
      training: { data: all.source, validation: options.validation ?? 'stratified 20% split', seed, size, grid, augmentations: copies, epochs: result.epochs },
    });
    return { result, saved };
  } finally {
    head.dispose();
    trunk.dispose();
    backbone.dispose();
  }
}
