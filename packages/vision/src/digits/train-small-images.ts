import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  buildArchitecture,
  checkpoints,
  claimModelFolder,
  cosineDecay,
  DlError,
  fit,
  loadDatasetSplit,
  metricLog,
  parseDatasetRef,
  resumedOptions,
  saveLayersModel,
  splitDataset,
  splitIndices,
  subset,
  summaryMetrics,
  terminateOnNaN,
  trainerJob,
  trainingJob,
  type Callback,
  type Dataset,
  type FitResult,
  type JobFields,
  type LoadedManifest,
} from '@dlkit/core';
import { randomAffine } from '../datasets/image-affine.js';

export interface TrainSmallImagesOptions {
  /**
   * A registered data set or split (`mnist`, `fashion-mnist:train`; fetched or read from the cache / mirror), or
   * a folder holding the files; an existing folder wins over a set of the same name. Default: the recipe's set.
   */
  data?: string;
  /**
   * Train on about `limit` examples only, the same share of every class drawn by the seed (a quick trial of the
   * whole run; sets sorted by class would give one class from their start); the validation split is cut from them.
   */
  limit?: number;
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
  /** Random affine augmentation: largest rotation and shear (degrees), scale change, shift (pixels), mirroring. */
  augment?: { rotate: number; scale: number; shift: number; shear: number; flip?: boolean };
  /** Threads computing gradients (default 2; see `fit`). */
  workers?: number;
  /** Checkpoint folder: written every epoch and on interruption. */
  checkpointDir?: string;
  /**
   * Continue the run of this checkpoint folder, to the weights it would have reached uninterrupted: options left
   * out (`data` included) are those the run recorded in it, but `overwrite` (never taken from a checkpoint); one
   * that contradicts them is INVALID_ARGUMENT.
   */
  resumeFrom?: string;
  /** JSONL or CSV file of per-epoch figures. */
  log?: string;
  callbacks?: Callback[];
  signal?: AbortSignal;
  /** Told when a knob is adjusted to the data (a batch size above the training examples). */
  onWarning?: (message: string) => void;
}

/** The knobs of a recipe: what `pnpm train:<name>` runs with. */
export interface SmallImageRecipe {
  epochs: number;
  batchSize: number;
  seed: number;
  validation: number;
  learningRate: number;
  augment: { rotate: number; scale: number; shift: number; shear: number; flip?: boolean };
  /** Gradient threads: fixed rather than the machine's core count, so that every machine gets the same weights. */
  workers: number;
}

/** The options a run records in its checkpoints, to be resumed from them alone (see `resumedOptions`). */
const SMALL_IMAGES_JOB: JobFields = {
  data: 'data',
  limit: 'value',
  out: 'path',
  overwrite: 'override',
  epochs: 'value',
  batchSize: 'value',
  seed: 'value',
  validation: 'value',
  learningRate: 'value',
  augment: 'value',
  workers: 'value',
  checkpointDir: 'path',
  log: 'path',
};

/** What differs between the 28x28 grey-image trainers (digits, Fashion-MNIST); the loop is shared. */
export interface SmallImageSpec {
  /** Model name in the manifest, and the trainer named in its checkpoints. */
  name: string;
  recipe: SmallImageRecipe;
  /** The registered set trained on when no data is given. */
  defaultData: string;
  /** Reads a folder of the set's files. */
  loadFolder: (dir: string) => Promise<Dataset>;
  /** The names of the default set's labels 0, 1, ..., when its registered splits give only the numbers. */
  classes?: readonly string[];
  /** The manifest's input spec: how the classifier turns an image into the model's input. */
  input: Record<string, unknown>;
  /** Manifest `source`, from the data trained on. */
  source: (data: Dataset, heldOut: number) => string;
  license: string;
  licenseText: string;
  command: string;
}

/**
 * The training data: a folder's files, or a registered set's split (a ref without a split means `train`); the
 * default set's label numbers get the spec's class names.
 */
export async function loadSmallImages(spec: SmallImageSpec, data: string | undefined, signal?: AbortSignal): Promise<Dataset> {
  if (data !== undefined && existsSync(data)) return spec.loadFolder(data);
  if (data !== undefined && /[/\\]|^[.~]/.test(data)) {
    // A path that is not there, not a misspelt set name: say so rather than list the registry.
    throw new DlError('DATASET_INVALID', `${data}: no such folder (nor a registered data set name)`);
  }
  const ref = parseDatasetRef(data ?? spec.defaultData);
  const { dataset } = await loadDatasetSplit(`${ref.name}:${ref.split ?? 'train'}`, signal ? { signal } : {});
  const numbered = dataset.classes.every((c, i) => c === String(i));
  return spec.classes && ref.name === spec.defaultData && numbered && spec.classes.length === dataset.classes.length ? { ...dataset, classes: [...spec.classes] } : dataset;
}

/** About `limit` examples, a seeded stratified sample (all of them when the set has no more). */
function sampleExamples(data: Dataset, limit: number | undefined, seed: number): Dataset {
  if (limit === undefined || limit >= data.size) return data;
  if (!(Number.isInteger(limit) && limit > 0)) throw new DlError('INVALID_ARGUMENT', `limit must be a positive integer, got ${limit}`, { parameter: 'limit' });
  const { validation: picked } = splitIndices(data.labels, data.classes.length, { validation: limit / data.size, seed }, data.source);
  return subset(data, picked, `${data.source} (${picked.length} sampled by seed ${seed})`);
}

const augmentWords = (a: SmallImageRecipe['augment']) =>
  `random affine: rotate ${a.rotate} deg, scale ${a.scale * 100}%, shift ${a.shift} px, shear ${a.shear} deg${a.flip ? ', left-right mirror half the time' : ''}`;

/**
 * Trains core's `cnn` (three conv/pool stages) on 28x28 grey images with affine augmentation, Adam and a cosine
 * schedule with warm-up, holding out a stratified validation split; saves an image-classification model.
 */
export async function trainSmallImages(spec: SmallImageSpec, options: TrainSmallImagesOptions): Promise<{ result: FitResult; saved?: LoadedManifest }> {
  if (options.resumeFrom !== undefined) options = resumedOptions(await trainerJob(spec.name, options.resumeFrom), options.resumeFrom, options, SMALL_IMAGES_JOB);
  const { recipe } = spec;
  const epochs = options.epochs ?? recipe.epochs;
  const batchSize = options.batchSize ?? recipe.batchSize;
  const seed = options.seed ?? recipe.seed;
  const validationFraction = options.validation ?? recipe.validation;
  const learningRate = options.learningRate ?? recipe.learningRate;
  const augment = options.augment ?? recipe.augment;
  // The recipe's threads, unless this machine has fewer cores (fit refuses more workers than cores).
  const workers = options.workers ?? Math.min(recipe.workers, availableParallelism());
  await using _claim = await claimModelFolder(options.out, { overwrite: options.overwrite });
  const data = sampleExamples(await loadSmallImages(spec, options.data, options.signal), options.limit, seed);
  const { train, validation } = splitDataset(data, { validation: validationFraction, seed, stratify: true });
  const model = await buildArchitecture('cnn', { inputShape: [28, 28, 1], classes: data.classes.length, seed });
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
      job: trainingJob(spec.name, { ...options, epochs, batchSize, seed, validation: validationFraction, learningRate, augment, workers }, SMALL_IMAGES_JOB),
    });
    if (options.out === undefined || result.stopReason === 'aborted') return { result };
    const saved = await saveLayersModel(model, options.out, {
      name: spec.name,
      task: 'image-classification',
      labels: data.classes,
      input: spec.input,
      source: spec.source(data, validation.size),
      license: spec.license,
      metrics: summaryMetrics(result),
      training: {
        data: `${data.size} images (${data.source}), stratified split ${1 - validationFraction}/${validationFraction} by seed ${seed}: ${train.size} train, ${validation.size} validation`,
        seed,
        epochs: result.epochs,
        batchSize,
        workers,
        optimizer: `adam lr ${learningRate}, cosine decay with 1 warm-up epoch`,
        augmentation: augmentWords(augment),
        architecture: 'cnn: conv3x3x32-pool, conv3x3x64-pool, conv3x3x128-pool, dense128, dropout 0.4, softmax',
        command: spec.command,
        seconds: Math.round(result.seconds),
      },
      extraFiles: { 'LICENSE.md': spec.licenseText },
    });
    return { result, saved };
  } finally {
    model.dispose();
  }
}
