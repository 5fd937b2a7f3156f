import { dirname, resolve } from 'node:path';
import type { LayersModel } from '../runtime-types.js';
import { z } from 'zod';
import { DlError, errorMessage } from '../errors.js';
import { readInputFile } from '../io/read-input.js';
import { saveLayersModel } from '../models/layers-model.js';
import { claimModelFolder } from '../models/claim.js';
import { type LoadedManifest } from '../models/manifest.js';
import { nearestName } from '../names/nearest-name.js';
import { selectTfjsBackend } from '../backend/tfjs.js';
import {
  ARCHITECTURES,
  architectureFootprint,
  architectureOptionsSchema,
  buildArchitecture,
  isArchitectureName,
  layersJsonFootprint,
  modelFromLayersJson,
} from './architectures.js';
import type { Callback } from './callbacks/callback.js';
import { checkpoints } from './callbacks/checkpoints.js';
import { earlyStopping } from './callbacks/early-stopping.js';
import { cosineDecay, reduceOnPlateau, stepDecay } from './callbacks/lr-schedules.js';
import { metricLog } from './callbacks/metric-log.js';
import { terminateOnNaN } from './callbacks/terminate-on-nan.js';
import type { Dataset } from './data/dataset.js';
import { datasetLoader, datasetTypes, type LoadedTrainingData } from './data/loaders.js';
import { splitDataset } from './data/split.js';
import { DEFAULT_BATCH_SIZE, fit, type FitResult } from './fit.js';
import { assertTrainingFits, maxTrainingWorkers, optimizerSlots, type Footprint } from './limits.js';
import { optimizerConfigSchema } from './optim/optimizers.js';
import { readTrainingJob } from './checkpoint.js';
import { resumedOptions, trainerJob, trainingJob, type JobFields } from './resume.js';

/** A training config and a layers JSON are small text files: a few KB, a few hundred KB for a big topology. */
const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_LAYERS_BYTES = 4 * 1024 * 1024;
/** Integers of a config: JSON numbers only (zod refuses "0x10" and [2]), whole, and within sane bounds. */
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const cores = maxTrainingWorkers();

/** A config's `data`: `{type, ...}`, the rest as the loader registered for that type defines it. */
export type DataConfig = { type: string } & Record<string, unknown>;

/** Checked by the schema of the loader registered for its `type` (see `registerDatasetLoader`). */
const dataSchema = z.looseObject({ type: z.string() }).transform((data, ctx): DataConfig => {
  const loader = datasetLoader(data.type);
  if (loader === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message: `no dataset loader is registered for '${data.type}' (registered: ${datasetTypes().join(', ')}); the package that reads it registers it when imported`,
    });
    return z.NEVER;
  }
  const parsed = loader.schema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // The loader's own key names go along, for the did-you-mean of an unknown key.
      const unknown = issue.code === 'unrecognized_keys' ? { params: { unknownKeys: issue.keys, knownKeys: knownKeys(loader.schema, issue.path) } } : {};
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, ...unknown });
    }
    return z.NEVER;
  }
  return parsed.data;
});

/**
 * `dl train <config.json>`: everything needed to train a classifier on one's own data, without code. Every object
 * is strict: a misspelt key (`"epoch": 5`) is an error naming it, never silently dropped for a default.
 */
export const trainConfigSchema = z.strictObject({
  name: z.string().regex(/^[\w.-]+$/).optional(),
  data: dataSchema,
  validation: z
    .union([z.strictObject({ split: z.number().gt(0).lt(1), stratify: z.boolean().default(true) }), z.strictObject({ data: dataSchema })])
    .default({ split: 0.1, stratify: true }),
  model: z.union([
    z.strictObject({
      ...architectureOptionsSchema.shape,
      architecture: z.string().refine(isArchitectureName, { message: `use one of ${Object.keys(ARCHITECTURES).join(', ')}` }),
    }),
    z.strictObject({ layers: z.string() }),
  ]),
  epochs: int(1, 100_000).default(10),
  /** Default 32; one above the number of training examples is clamped to it by `fit`, with a warning. */
  batchSize: int(1, Number.MAX_SAFE_INTEGER).optional(),
  seed: int(0, Number.MAX_SAFE_INTEGER).default(0),
  /** Gradient threads (see `fit`), at most one per core; results are reproducible for a given number. */
  workers: int(1, Number.MAX_SAFE_INTEGER)
    .max(cores, { message: `at most ${cores}: this machine has ${cores} cores` })
    .default(1),
  optimizer: optimizerConfigSchema.default({ name: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }),
  clip: z.strictObject({ norm: z.number().positive().optional(), value: z.number().positive().optional() }).optional(),
  augment: z
    .strictObject({ rotate: z.number().min(0).optional(), scale: z.number().min(0).optional(), shift: z.number().min(0).optional(), shear: z.number().min(0).optional() })
    .optional(),
  schedule: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('cosine'), warmupEpochs: z.number().min(0).optional(), minLearningRate: z.number().min(0).optional() }),
      z.strictObject({ type: z.literal('step'), everyEpochs: z.number().int().positive(), factor: z.number().positive().optional() }),
      z.strictObject({ type: z.literal('plateau'), monitor: z.string().optional(), factor: z.number().positive().optional(), patience: z.number().int().positive().optional() }),
    ])
    .optional(),
  earlyStopping: z
    .strictObject({ monitor: z.string().optional(), patience: z.number().int().positive().optional(), minDelta: z.number().min(0).optional(), restoreBestWeights: z.boolean().optional() })
    .optional(),
  checkpoint: z.strictObject({ dir: z.string(), everyEpochs: z.number().int().positive().optional(), everySteps: z.number().int().positive().optional() }).optional(),
  log: z.string().optional(),
  out: z.string().optional(),
});

/** The key names an object of `schema` takes at `path` (every branch of a union), for a did-you-mean. */
function knownKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType; shape?: Record<string, z.core.$ZodType>; options?: z.core.$ZodType[] };
  if (def.innerType) return knownKeys(def.innerType, path);
  if (def.type === 'pipe' && def.in) return knownKeys(def.in, path);
  if (def.type === 'union' && def.options) return [...new Set(def.options.flatMap((option) => knownKeys(option, path)))];
  if (def.type !== 'object' || !def.shape) return [];
  if (path.length === 0) return Object.keys(def.shape);
  const next = def.shape[String(path[0])];
  return next === undefined ? [] : knownKeys(next, path.slice(1));
}

/** The keys an issue says are unknown, and those its object takes; undefined for any other issue. */
function unknownKeys(issue: z.core.$ZodIssue): { keys: string[]; known: string[] } | undefined {
  if (issue.code === 'unrecognized_keys') return { keys: issue.keys, known: knownKeys(trainConfigSchema, issue.path) };
  if (issue.code === 'custom' && Array.isArray(issue.params?.unknownKeys)) {
    return { keys: issue.params.unknownKeys as string[], known: (issue.params.knownKeys ?? []) as string[] };
  }
  return undefined;
}

/** A config issue in words; an unknown key names itself and, when one is close, the key that was probably meant. */
function configIssue(issue: z.core.$ZodIssue, where: string): DlError {
  const at = issue.path.join('.') || '(root)';
  const unknown = unknownKeys(issue);
  if (unknown === undefined) return new DlError('INVALID_ARGUMENT', `${where}: ${at}: ${issue.message}`);
  const meant = unknown.keys.length === 1 ? nearestName(unknown.keys[0]!, unknown.known, 3) : undefined;
  const names = unknown.keys.map((key) => `'${key}'`).join(', ');
  return new DlError(
    'INVALID_ARGUMENT',
    `${where}: ${at}: unknown key${unknown.keys.length > 1 ? 's' : ''} ${names}${meant ? ` (did you mean '${meant}'?)` : ''}; the keys here are ${unknown.known.join(', ')}`,
    meant ? { hint: { kind: 'did-you-mean', value: meant } } : {},
  );
}

export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** Reads and checks a config file; its relative paths are resolved against the file's folder. */
export async function readTrainConfig(path: string): Promise<{ config: TrainConfig; baseDir: string }> {
  const raw = await readJsonFile(path, MAX_CONFIG_BYTES, 'INVALID_ARGUMENT', 'training config');
  return { config: parseTrainConfig(raw, path), baseDir: dirname(resolve(path)) };
}

/**
 * A small JSON file, read as an untrusted input: a regular file, at most `maxBytes` (INPUT_TOO_LARGE beyond), and
 * text that does not parse is `code` naming the file, never an INTERNAL SyntaxError.
 */
async function readJsonFile(path: string, maxBytes: number, code: 'INVALID_ARGUMENT' | 'MODEL_INVALID', what: string): Promise<unknown> {
  const bytes = await readInputFile(path, { maxBytes });
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new DlError(code, `${path}: not a JSON ${what} (${errorMessage(error)})`, { cause: error });
  }
}

export function parseTrainConfig(raw: unknown, where = 'training config'): TrainConfig {
  const parsed = trainConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // A misspelt key also leaves the key meant missing: the unknown one is the cause, and says what was meant.
    const issues = parsed.error.issues;
    throw configIssue(issues.find((issue) => unknownKeys(issue) !== undefined) ?? issues[0]!, where);
  }
  return parsed.data;
}

export interface TrainFromConfigOptions {
  baseDir?: string;
  /** Progress and other callbacks added to those of the config. */
  callbacks?: Callback[];
  signal?: AbortSignal;
  /** Told when a knob is adjusted to the data (see `FitOptions.onWarning`). */
  onWarning?: (message: string) => void;
  /**
   * Continue the run of this checkpoint folder, to the weights it would have reached uninterrupted. The config
   * and `baseDir` default to those the run recorded in it; a config that differs is refused. `overwrite` is never
   * taken from the checkpoint: a model already in `out` is replaced only when this call allows it.
   */
  resumeFrom?: string;
  /** Replace a model already in `out` (default false: OUTPUT_EXISTS, before any training). */
  overwrite?: boolean;
}

/** What a config run records in its checkpoints (see `TrainingJob`): its config, with absolute paths, and where it ran. */
const CONFIG_JOB: JobFields = { config: 'value', baseDir: 'path', overwrite: 'override' };

/** The config's output paths (out, log, checkpoint) resolved against `base`: a resume from elsewhere finds them. */
function absolutePaths(config: TrainConfig, base: string): TrainConfig {
  return {
    ...config,
    ...(config.out !== undefined ? { out: resolve(base, config.out) } : {}),
    ...(config.log !== undefined ? { log: resolve(base, config.log) } : {}),
    ...(config.checkpoint ? { checkpoint: { ...config.checkpoint, dir: resolve(base, config.checkpoint.dir) } } : {}),
  };
}

/** The config, folder and overwrite of a run: as given, or on a resume the config and folder its checkpoint recorded (checked again). */
async function runSettings(given: TrainConfig | undefined, options: TrainFromConfigOptions): Promise<{ config: TrainConfig; base: string; overwrite: boolean | undefined }> {
  if (options.resumeFrom === undefined) {
    if (given === undefined) throw new DlError('INVALID_ARGUMENT', 'trainFromConfig needs a config, or resumeFrom to continue the run of a checkpoint', { parameter: 'config' });
    const base = resolve(options.baseDir ?? process.cwd());
    return { config: absolutePaths(given, base), base, overwrite: options.overwrite };
  }
  const job = await trainerJob('config', options.resumeFrom);
  // One taken by an older dlkit recorded no config: the config given sets the run up; without one, that is said.
  if (job === undefined && given === undefined) await readTrainingJob(options.resumeFrom);
  const recordedBase = typeof job?.options.baseDir === 'string' ? job.options.baseDir : process.cwd();
  const base = resolve(options.baseDir ?? recordedBase);
  const merged = resumedOptions(job, options.resumeFrom, { config: given && absolutePaths(given, base), baseDir: options.baseDir, overwrite: options.overwrite }, CONFIG_JOB);
  return { config: parseTrainConfig(merged.config, `the config of the run resumed from ${options.resumeFrom}`), base, overwrite: merged.overwrite };
}

export interface TrainFromConfigResult {
  result: FitResult;
  model: LayersModel;
  /** The saved model folder, when the config has `out` and training was not interrupted. */
  saved?: LoadedManifest;
}

/** The registered loader of `data.type`: parsing checked that there is one, but a config may be built in code. */
function loaderOf(data: DataConfig) {
  const loader = datasetLoader(data.type);
  if (loader === undefined) throw new DlError('INVALID_ARGUMENT', `No dataset loader is registered for '${data.type}' (registered: ${datasetTypes().join(', ')})`, { parameter: 'data.type' });
  return loader;
}

async function loadData(data: DataConfig, base: string): Promise<LoadedTrainingData> {
  return loaderOf(data).load(data, (path) => resolve(base, path));
}

/**
 * The config's model, refused before its weights are allocated when one training step of it (weights, optimizer
 * state, the activations of a batch) would not fit this machine.
 */
async function buildModel(config: TrainConfig, dataset: Dataset, examples: number, base: string): Promise<LayersModel> {
  const { backend } = await selectTfjsBackend();
  const layers = 'layers' in config.model ? await readJsonFile(resolve(base, config.model.layers), MAX_LAYERS_BYTES, 'MODEL_INVALID', 'tfjs layers model') : undefined;
  const architecture = 'architecture' in config.model ? (config.model.architecture as keyof typeof ARCHITECTURES) : undefined;
  const options = { ...config.model, inputShape: dataset.featureShape, classes: dataset.classes.length, seed: config.seed };
  const footprint: Footprint = layers !== undefined ? await layersJsonFootprint(layers) : await architectureFootprint(architecture!, options);
  const batchSize = Math.min(config.batchSize ?? DEFAULT_BATCH_SIZE, examples);
  assertTrainingFits({ ...footprint, batchSize, workers: config.workers, optimizerSlots: optimizerSlots(config.optimizer), backend });
  return layers !== undefined ? modelFromLayersJson(layers, config.seed) : buildArchitecture(architecture!, options);
}

/** The config's validation data: a seeded split of the training data, or a data set of its own. */
async function splitData(config: TrainConfig, dataset: Dataset, base: string): Promise<{ train: Dataset; validation: Dataset }> {
  const split =
    'split' in config.validation
      ? splitDataset(dataset, { validation: config.validation.split, seed: config.seed, stratify: config.validation.stratify })
      : { train: dataset, validation: (await loadData(config.validation.data, base)).dataset };
  if (split.validation.classes.join() !== split.train.classes.join()) {
    throw new DlError('DATASET_INVALID', `Validation classes (${split.validation.classes.join(', ')}) differ from training classes (${split.train.classes.join(', ')})`);
  }
  return split;
}

/** NaN guard, the caller's callbacks, then the config's schedule, early stopping, checkpoints and log. */
function configCallbacks(config: TrainConfig, base: string, extra: Callback[]): Callback[] {
  const callbacks: Callback[] = [terminateOnNaN(), ...extra];
  const schedule = config.schedule;
  if (schedule?.type === 'cosine') callbacks.push(cosineDecay(schedule));
  if (schedule?.type === 'step') callbacks.push(stepDecay(schedule));
  if (schedule?.type === 'plateau') callbacks.push(reduceOnPlateau(schedule));
  if (config.earlyStopping) callbacks.push(earlyStopping(config.earlyStopping));
  if (config.checkpoint) callbacks.push(checkpoints({ ...config.checkpoint, dir: resolve(base, config.checkpoint.dir) }));
  if (config.log) callbacks.push(metricLog(resolve(base, config.log)));
  return callbacks;
}

/**
 * Trains what a config describes and saves the model to `out` (claimed first: see `claimModelFolder`). With
 * `resumeFrom`, the config may be left out: the checkpoint's run is continued as it was set up.
 */
export async function trainFromConfig(given: TrainConfig | undefined, options: TrainFromConfigOptions = {}): Promise<TrainFromConfigResult> {
  const { config, base, overwrite } = await runSettings(given, options);
  const loader = loaderOf(config.data);
  await using _claim = await claimModelFolder(config.out, { overwrite });
  const { dataset, input } = await loadData(config.data, base);
  const split = await splitData(config, dataset, base);
  const model = await buildModel(config, dataset, split.train.size, base);
  const augment = config.augment ? loader.augment?.(config.augment, dataset.featureShape) : undefined;
  const result = await fit(model, split.train, {
    epochs: config.epochs,
    ...(config.batchSize !== undefined ? { batchSize: config.batchSize } : {}),
    optimizer: config.optimizer,
    seed: config.seed,
    workers: config.workers,
    validation: split.validation,
    callbacks: configCallbacks(config, base, options.callbacks ?? []),
    ...(config.clip ? { clip: config.clip } : {}),
    ...(augment ? { augment } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
    job: trainingJob('config', { config, baseDir: base, overwrite }, CONFIG_JOB),
  });
  if (config.out === undefined || result.stopReason === 'aborted') return { result, model };
  const saved = await saveLayersModel(model, resolve(base, config.out), {
    name: config.name ?? 'custom-classifier',
    task: loader.task,
    labels: dataset.classes,
    input,
    source: `trained by dlkit on ${dataset.source}`,
    license: 'as the training data',
    metrics: summaryMetrics(result),
    training: { data: dataset.source, seed: config.seed, epochs: result.epochs, config },
  });
  return { result, model, saved };
}

/** The figures a manifest records: validation accuracy, macro F1, the last epoch's losses. */
export function summaryMetrics(result: FitResult): Record<string, unknown> {
  const last = result.history.at(-1);
  return {
    ...(result.validation ? { validationAccuracy: result.validation.accuracy, validationMacroF1: result.validation.macroF1, validationCount: result.validation.count } : {}),
    ...(last ? { trainLoss: last.loss, trainAccuracy: last.accuracy, ...(last.val_loss !== undefined ? { validationLoss: last.val_loss } : {}) } : {}),
    epochs: result.epochs,
    seconds: Math.round(result.seconds),
  };
}
