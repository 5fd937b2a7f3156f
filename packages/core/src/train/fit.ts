import type * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '../runtime-types.js';
import { selectTfjsBackend, type Tf } from '../backend/tfjs.js';
import { DlError } from '../errors.js';
import type { BatchLogs, Callback, EpochLogs, StopReason, TrainingContext } from './callbacks/callback.js';
import { assertResumable, readCheckpoint, writeCheckpoint, type CheckpointData, type TrainingJob } from './checkpoint.js';
import { batchCount, iterateBatches, type Batch } from './data/batches.js';
import { assertTrainable, featureSize, type Dataset } from './data/dataset.js';
import { assertTrainingFits, assertWorkers, modelFootprint, optimizerSlots } from './limits.js';
import { ClassificationMetrics, type ClassificationReport } from './metrics/classification.js';
import { clipGradients, createOptimizer, type Optimizer, type OptimizerConfig } from './optim/optimizers.js';
import { startGradientWorkers, type GradientWorkers, type ShardResult } from './parallel/pool.js';
import { createRng, RNG_STREAM, shuffleInPlace, withSeededMathRandom, type Rng } from './random.js';
import { computeGradients, crossEntropy, endsInSoftmax, forwardBackward, readStep } from './step.js';

/** Examples per step when no batch size is given. */
export const DEFAULT_BATCH_SIZE = 32;

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  /** Default Adam, learning rate 1e-3. */
  optimizer?: OptimizerConfig;
  /** Gradient clipping: global L2 norm and/or per value. */
  clip?: { norm?: number; value?: number };
  /** Seeds shuffling, augmentation and dropout: the same seed and data give the same weights on one backend. */
  seed?: number;
  validation?: Dataset;
  /** Random augmentation of one training example (features in, features out), drawing only from `rng`. */
  augment?: (features: Float32Array, rng: Rng) => Float32Array;
  callbacks?: Callback[];
  /** Stops after the current step; callbacks' onInterrupt runs (the checkpoint callback saves). */
  signal?: AbortSignal;
  /** Continue from a checkpoint folder written by a run of the same model and data. */
  resumeFrom?: string;
  /** Recorded in every checkpoint: the trainer and options that continue the run from the checkpoint alone. */
  job?: TrainingJob;
  /** Top-k accuracies reported on validation (default [5] when there are more than 5 classes). */
  topK?: number[];
  /** Batches read ahead (default 2). */
  prefetch?: number;
  /**
   * Threads computing gradients (default 1). With N > 1 each batch is split in N shards, N - 1 of them on
   * worker threads with their own tfjs, and the gradients are averaged: wasm is single-threaded in Node, so this
   * is how more cores help. Deterministic for a given N; a different N gives (slightly) different weights.
   */
  workers?: number;
  /**
   * Told when a knob is adjusted to the data, e.g. a batch size above the number of training examples, which
   * trains as one batch of all of them and is clamped to that (the memory estimate uses the clamped size).
   */
  onWarning?: (message: string) => void;
  /**
   * `cross-entropy` (default): a classifier on `labels`. `mse`: regression on the dataset's `targets`, for a
   * model with one output unit; the epoch figures' `accuracy` is then NaN (there is none), `val_loss` the MSE.
   */
  loss?: 'cross-entropy' | 'mse';
}

/** A regressor on validation data: mean squared error and R^2 (1 - MSE / variance of the targets). */
export interface RegressionReport {
  count: number;
  mse: number;
  r2: number;
}

export interface FitResult {
  history: EpochLogs[];
  stopReason: StopReason;
  /** Epochs completed. */
  epochs: number;
  /** Full report on the validation data after the last epoch (with restored weights, if any were). */
  validation?: ClassificationReport;
  /** With `loss: 'mse'`: the report on the validation data after the last epoch (instead of `validation`). */
  regression?: RegressionReport;
  seconds: number;
}

function outputClasses(model: LayersModel): number {
  const shape = model.outputs[0]?.shape;
  const classes = shape?.[shape.length - 1];
  if (model.outputs.length !== 1 || shape?.length !== 2 || typeof classes !== 'number') {
    throw new DlError('INVALID_ARGUMENT', 'fit trains classifiers: the model needs one output of shape [batch, classes]');
  }
  return classes;
}

function checkShapes(model: LayersModel, dataset: Dataset, what: string, regression = false): void {
  const input = model.inputs[0]?.shape.slice(1);
  if (model.inputs.length !== 1 || input === undefined || input.join() !== dataset.featureShape.join()) {
    throw new DlError('DATASET_INVALID', `${what} examples have shape [${dataset.featureShape.join(', ')}]; the model takes [${input?.join(', ')}]`);
  }
  const classes = outputClasses(model);
  if (regression) {
    if (classes !== 1) throw new DlError('INVALID_ARGUMENT', `Regression trains a model with one output unit; this one has ${classes}`);
    if (dataset.targets?.length !== dataset.size) throw new DlError('DATASET_INVALID', `${what} has no regression targets (one number per example)`);
    return;
  }
  if (classes !== dataset.classes.length) {
    throw new DlError('DATASET_INVALID', `${what} has ${dataset.classes.length} classes; the model outputs ${classes}`);
  }
}

/** Mean loss and metrics of `model` on `dataset`, in inference mode. */
export async function evaluate(
  model: LayersModel,
  dataset: Dataset,
  options: { batchSize?: number; topK?: number[]; tf?: Tf } = {},
): Promise<{ loss: number; report: ClassificationReport }> {
  const tf = options.tf ?? (await selectTfjsBackend()).tf;
  const classes = outputClasses(model);
  const probabilities = endsInSoftmax(model);
  const metrics = new ClassificationMetrics(dataset.classes, options.topK ?? defaultTopK(classes));
  let lossSum = 0;
  for await (const batch of iterateBatches(dataset, { batchSize: options.batchSize ?? 128 })) {
    const tensors = tf.tidy(() => {
      const x = tf.tensor(batch.x, [batch.size, ...dataset.featureShape]);
      const output = model.apply(x, { training: false }) as tfc.Tensor;
      const labels = tf.tensor1d(batch.y, 'int32');
      return [output, crossEntropy(tf, output, labels, classes, probabilities)];
    });
    // Read asynchronously: webgpu has no synchronous read in Node; the same values elsewhere.
    const [scores, loss] = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(tensors);
    lossSum += loss![0]! * batch.size;
    metrics.update(scores!, batch.y);
  }
  return { loss: lossSum / dataset.size, report: metrics.report() };
}

/** Mean squared error and R^2 of a one-output `model` on the targets of `dataset`, in inference mode. */
export async function evaluateRegression(model: LayersModel, dataset: Dataset, options: { batchSize?: number; tf?: Tf } = {}): Promise<{ loss: number; report: RegressionReport }> {
  const tf = options.tf ?? (await selectTfjsBackend()).tf;
  let squares = 0;
  for await (const batch of iterateBatches(dataset, { batchSize: options.batchSize ?? 128 })) {
    const t = batch.t!;
    const output = tf.tidy(() => model.apply(tf.tensor(batch.x, [batch.size, ...dataset.featureShape]), { training: false }) as tfc.Tensor);
    const predicted = await output.data();
    output.dispose();
    for (let i = 0; i < batch.size; i++) squares += (predicted[i]! - t[i]!) ** 2;
  }
  const targets = dataset.targets!;
  const mean = targets.reduce((a, b) => a + b, 0) / targets.length;
  const variance = targets.reduce((a, b) => a + (b - mean) ** 2, 0) / targets.length;
  const mse = squares / dataset.size;
  return { loss: mse, report: { count: dataset.size, mse, r2: variance > 0 ? 1 - mse / variance : Number.NaN } };
}

function defaultTopK(classes: number): number[] {
  return classes > 5 ? [5] : [];
}

async function gatherCallbackStates(callbacks: Callback[]): Promise<Record<string, unknown>> {
  return Object.fromEntries(callbacks.filter((c) => c.getState).map((c) => [c.name, c.getState!()]));
}

/** What a run is set up with: checked and derived from the model, the data and the options before any step. */
interface FitPlan {
  batchSize: number;
  workers: number;
  seed: number;
  callbacks: Callback[];
  classes: number;
  probabilities: boolean;
  topK: number[];
  /** Floats per example. */
  width: number;
  stepsPerEpoch: number;
  /** `loss: 'mse'`: trained on the dataset's targets. */
  regression: boolean;
}

/** Sums over the batches of the epoch so far. */
type EpochTotals = { lossSum: number; correct: number; count: number };
const noPartial = (): EpochTotals => ({ lossSum: 0, correct: 0, count: 0 });

/** Refuses what cannot train (shapes, epochs, knobs beyond the machine, duplicate callback names) and plans the run. */
function planFit(model: LayersModel, train: Dataset, options: FitOptions, backend: string): FitPlan {
  const regression = options.loss === 'mse';
  if (regression) {
    if (train.size === 0) throw new DlError('DATASET_INVALID', `Dataset ${train.source} has no examples`);
    // The gradient workers compute cross-entropy only; a regressor is small enough for one thread.
    if ((options.workers ?? 1) > 1) throw new DlError('INVALID_ARGUMENT', 'Regression (loss mse) trains on one thread: workers must be 1', { parameter: 'workers' });
  } else assertTrainable(train);
  checkShapes(model, train, 'Training data', regression);
  if (options.validation) checkShapes(model, options.validation, 'Validation data', regression);
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new DlError('INVALID_ARGUMENT', `epochs must be a positive integer, got ${options.epochs}`);
  const { batchSize, workers } = boundedKnobs(model, train, options, backend);
  const callbacks = options.callbacks ?? [];
  const names = callbacks.map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new DlError('INVALID_ARGUMENT', `Two callbacks are named '${duplicate}'`);
  const classes = outputClasses(model);
  return {
    batchSize,
    workers,
    seed: options.seed ?? 0,
    callbacks,
    classes,
    probabilities: endsInSoftmax(model),
    topK: options.topK ?? defaultTopK(classes),
    width: featureSize(train),
    stepsPerEpoch: batchCount(train.size, batchSize),
    regression,
  };
}

/**
 * Trains a tfjs layers classifier on a dataset: the loop of Keras `fit` with seeded determinism, exact resume
 * from checkpoints, gradient clipping, streaming batches and callbacks.
 */
export async function fit(model: LayersModel, train: Dataset, options: FitOptions): Promise<FitResult> {
  const { tf, backend } = await selectTfjsBackend();
  const started = performance.now();
  const plan = planFit(model, train, options, backend);
  const run = new FitRun(tf, model, train, options, plan);
  try {
    if (options.resumeFrom !== undefined) await run.resume(options.resumeFrom);
    if (plan.workers > 1) await run.startWorkers(backend);
  } catch (error) {
    run.optimizer.dispose();
    throw error;
  }
  try {
    const stopReason = await run.trainEpochs();
    return await run.finish(stopReason, started);
  } finally {
    run.optimizer.dispose();
    await run.pool?.close();
  }
}

/** The state of one `fit` run: where it is (epoch, step), what it has seen, and the steps that move it on. */
class FitRun {
  readonly optimizer: Optimizer;
  readonly variables: tfc.Variable[];
  readonly ctx: TrainingContext;
  pool: GradientWorkers | undefined;
  epoch = 0;
  step = 0;
  globalStep = 0;
  history: EpochLogs[] = [];
  partial = noPartial();
  stopRequested: StopReason | undefined;
  /** Where a run resumed from a checkpoint taken now would start. */
  next = { epoch: 0, step: 0 };

  constructor(
    readonly tf: Tf,
    readonly model: LayersModel,
    readonly train: Dataset,
    readonly options: FitOptions,
    readonly plan: FitPlan,
  ) {
    this.optimizer = createOptimizer(tf, options.optimizer ?? { name: 'adam' });
    this.variables = model.trainableWeights.map((w) => w.read() as tfc.Variable);
    this.ctx = this.context();
  }

  private context(): TrainingContext {
    // Getters: callbacks read the run's position as it moves.
    const run = this;
    return {
      tf: this.tf,
      model: this.model,
      optimizer: this.optimizer,
      epochs: this.options.epochs,
      stepsPerEpoch: this.plan.stepsPerEpoch,
      get epoch() {
        return run.epoch;
      },
      get step() {
        return run.step;
      },
      get globalStep() {
        return run.globalStep;
      },
      get history() {
        return run.history;
      },
      stop(reason) {
        run.stopRequested ??= reason;
      },
      saveCheckpoint: async (dir) => writeCheckpoint(dir, await this.snapshot()),
    };
  }

  private async snapshot(): Promise<CheckpointData> {
    const { optimizer, model } = this;
    return {
      ...this.next,
      globalStep: this.globalStep,
      seed: this.plan.seed,
      learningRate: optimizer.learningRate,
      optimizer: { name: optimizer.config.name, ...(await optimizer.getState()) },
      weights: await Promise.all(
        model.weights.map(async (w) => ({ name: w.originalName, shape: [...w.shape] as number[], values: (await w.read().data()) as Float32Array })),
      ),
      history: this.history,
      partial: { ...this.partial },
      callbacks: await gatherCallbackStates(this.plan.callbacks),
      run: { batchSize: this.plan.batchSize, examples: this.train.size, epochs: this.options.epochs, workers: this.plan.workers },
      ...(this.options.job ? { job: this.options.job } : {}),
    };
  }

  /** Weights, optimizer, callbacks and position from a checkpoint of the same model, data and knobs. */
  async resume(dir: string): Promise<void> {
    const checkpoint = await readCheckpoint(dir);
    assertResumable(
      checkpoint,
      {
        epochs: this.options.epochs,
        stepsPerEpoch: this.plan.stepsPerEpoch,
        batchSize: this.plan.batchSize,
        examples: this.train.size,
        seed: this.plan.seed,
        optimizer: this.optimizer.config.name,
        slots: optimizerSlots(this.optimizer.config),
        weights: this.model.weights.map((w) => ({ shape: w.shape as number[] })),
        variables: this.variables.map((v) => v.size),
      },
      dir,
    );
    restore(this.tf, this.model, this.optimizer, this.variables, checkpoint, this.plan.callbacks);
    ({ epoch: this.epoch, step: this.step, globalStep: this.globalStep, history: this.history, partial: this.partial } = checkpoint);
    this.next = { epoch: this.epoch, step: this.step };
    this.optimizer.learningRate = checkpoint.learningRate;
  }

  async startWorkers(backend: string): Promise<void> {
    this.pool = await startGradientWorkers(this.plan.workers - 1, {
      backend,
      topology: this.model.toJSON(undefined, false) as object,
      featureShape: [...this.train.featureShape],
      classes: this.plan.classes,
      probabilities: this.plan.probabilities,
    });
  }

  /** Epochs until the last or a stop: early stopping ends the epoch it is asked in; a NaN or an abort at once. */
  async trainEpochs(): Promise<StopReason> {
    const { callbacks } = this.plan;
    for (const c of callbacks) await c.onTrainBegin?.(this.ctx);
    for (; this.epoch < this.options.epochs && this.stopRequested === undefined; this.epoch++, this.step = 0) {
      if (this.step === 0) this.partial = noPartial();
      for (const c of callbacks) await c.onEpochBegin?.(this.ctx);
      await this.trainBatches();
      // ctx.stop() may have set it during the awaits above; TypeScript cannot see that.
      const requested = this.stopRequested as StopReason | undefined;
      if (requested !== undefined && requested !== 'early-stopping') break;
      await this.endEpoch();
    }
    return this.stopRequested ?? 'completed';
  }

  /** The rest of this epoch's batches, in its seeded order, from the current step. */
  private async trainBatches(): Promise<void> {
    const order = Int32Array.from({ length: this.train.size }, (_, i) => i);
    shuffleInPlace(order, createRng(this.plan.seed, RNG_STREAM.shuffle, this.epoch));
    const batches = iterateBatches(this.train, { batchSize: this.plan.batchSize, order, startBatch: this.step, prefetch: this.options.prefetch });
    for await (const batch of batches) {
      // Batches already read resolve as microtasks, which never let signals, timers or I/O in: yield a turn
      // so that Ctrl-C (the AbortSignal) and progress output are seen during the epoch.
      await new Promise((turn) => setImmediate(turn));
      if (this.options.signal?.aborted) {
        this.stopRequested = 'aborted';
        return;
      }
      for (const c of this.plan.callbacks) c.onBatchBegin?.(this.ctx);
      const loss = await this.trainStep(batch);
      this.step++;
      this.globalStep++;
      this.next = { epoch: this.epoch, step: this.step };
      const { partial } = this;
      const accuracy = this.plan.regression ? Number.NaN : partial.correct / partial.count;
      const logs: BatchLogs = { loss: partial.lossSum / partial.count, accuracy, batchLoss: loss };
      for (const c of this.plan.callbacks) await c.onBatchEnd?.(this.ctx, logs);
      if (this.stopRequested !== undefined) return;
    }
  }

  /** One optimizer step on a batch (augmented first, if asked), here or over the workers; its loss. */
  private async trainStep(batch: Batch): Promise<number> {
    const { tf, model, optimizer, variables, options, plan, train } = this;
    const { seed, width } = plan;
    if (options.augment) {
      const rng = createRng(seed, RNG_STREAM.augment, this.epoch, this.step);
      for (let i = 0; i < batch.size; i++) batch.x.set(options.augment(batch.x.subarray(i * width, (i + 1) * width), rng), i * width);
    }
    const stream = [seed, RNG_STREAM.step, this.epoch, this.step] as const;
    const shape = { featureShape: train.featureShape, classes: plan.classes, probabilities: plan.probabilities };
    const { loss, correct } = this.pool
      ? await parallelStep(tf, model, optimizer, variables, this.pool, batch, shape, options.clip, stream)
      : await this.localStep(batch, stream);
    this.partial.lossSum += loss * batch.size;
    this.partial.correct += correct;
    this.partial.count += batch.size;
    return loss;
  }

  /**
   * One step on this thread: forward and backward in the step's seeded scope (dropout draws from it), the loss and
   * hits read asynchronously (webgpu has no other read), then the update, which draws nothing.
   */
  private async localStep(batch: Batch, stream: readonly [number, ...number[]]): Promise<{ loss: number; correct: number }> {
    const { tf, model, optimizer, variables, options, plan, train } = this;
    const pending = withSeededMathRandom(createRng(...stream), () =>
      forwardBackward(tf, model, variables, batch.x, batch.y, train.featureShape, plan.classes, plan.probabilities, plan.regression ? batch.t : undefined),
    );
    const result = await readStep(pending);
    applyGradients(tf, optimizer, variables, result.grads, options.clip);
    return result;
  }

  /** The epoch's figures (validation included), recorded in the history and told to the callbacks. */
  private async endEpoch(): Promise<void> {
    const { partial } = this;
    const logs: EpochLogs = { epoch: this.epoch, loss: partial.lossSum / partial.count, accuracy: this.plan.regression ? Number.NaN : partial.correct / partial.count };
    if (this.options.validation && this.plan.regression) logs.val_loss = (await this.validateRegression(this.options.validation)).loss;
    else if (this.options.validation) {
      const { loss, report } = await this.validate(this.options.validation);
      logs.val_loss = loss;
      logs.val_accuracy = report.accuracy;
      for (const [k, v] of Object.entries(report.topK)) logs[`val_${k}`] = v;
    }
    logs.learningRate = this.optimizer.learningRate;
    this.history = [...this.history, logs];
    this.next = { epoch: this.epoch + 1, step: 0 };
    this.partial = noPartial();
    for (const c of this.plan.callbacks) await c.onEpochEnd?.(this.ctx, logs);
  }

  private validateRegression(dataset: Dataset) {
    return evaluateRegression(this.model, dataset, { batchSize: Math.max(this.plan.batchSize, 128), tf: this.tf });
  }

  private validate(dataset: Dataset) {
    return evaluate(this.model, dataset, { batchSize: Math.max(this.plan.batchSize, 128), topK: this.plan.topK, tf: this.tf });
  }

  /** Tells the callbacks how training ended and reports it, with a final validation unless it was aborted. */
  async finish(stopReason: StopReason, started: number): Promise<FitResult> {
    if (stopReason === 'aborted') for (const c of this.plan.callbacks) await c.onInterrupt?.(this.ctx);
    for (const c of this.plan.callbacks) await c.onTrainEnd?.(this.ctx, stopReason);
    const held = stopReason === 'aborted' ? undefined : this.options.validation;
    const validation = held && !this.plan.regression ? (await this.validate(held)).report : undefined;
    const regression = held && this.plan.regression ? (await this.validateRegression(held)).report : undefined;
    return {
      history: this.history,
      stopReason,
      epochs: this.history.length,
      ...(validation ? { validation } : {}),
      ...(regression ? { regression } : {}),
      seconds: (performance.now() - started) / 1000,
    };
  }
}

/**
 * Batch size and workers as this machine and data allow (DESIGN.md, "Trust boundaries"): workers at most the
 * cores, the batch at most the examples, and the estimated memory of a step within the budget, all checked
 * before any worker starts or any batch is read.
 */
function boundedKnobs(model: LayersModel, train: Dataset, options: FitOptions, backend: string): { batchSize: number; workers: number } {
  const requested = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(requested) || requested < 1) throw new DlError('INVALID_ARGUMENT', `batchSize must be a positive integer, got ${requested}`);
  const workers = options.workers ?? 1;
  assertWorkers(workers);
  // One GPU device, and the gradient workers read synchronously, which webgpu in Node cannot.
  if (backend === 'webgpu' && workers > 1) throw new DlError('INVALID_ARGUMENT', `workers is ${workers}; on the webgpu backend fit trains on one thread (workers: 1)`);
  const batchSize = Math.min(requested, train.size);
  if (batchSize < requested && options.batchSize !== undefined) {
    options.onWarning?.(`batch size ${requested} is more than the ${train.size} training examples; training with batches of ${batchSize}`);
  }
  assertTrainingFits({ ...modelFootprint(model), batchSize, workers, optimizerSlots: optimizerSlots(options.optimizer), backend });
  return { batchSize, workers };
}

function applyGradients(tf: Tf, optimizer: Optimizer, variables: tfc.Variable[], grads: tfc.Tensor[], clip: FitOptions['clip']): void {
  tf.tidy(() => optimizer.apply(variables, clip ? clipGradients(tf, grads, clip) : grads));
  tf.dispose(grads);
}

/**
 * One step over `pool.size + 1` shards of the batch: the first here, the others on the workers, all from the
 * same weights; the update uses the gradients averaged by shard size, i.e. those of the whole batch.
 */
async function parallelStep(
  tf: Tf,
  model: LayersModel,
  optimizer: Optimizer,
  variables: tfc.Variable[],
  pool: GradientWorkers,
  batch: Batch,
  shape: { featureShape: readonly number[]; classes: number; probabilities: boolean },
  clip: FitOptions['clip'],
  stream: readonly [number, ...number[]],
): Promise<{ loss: number; correct: number }> {
  const width = batch.x.length / batch.size;
  const per = Math.ceil(batch.size / (pool.size + 1));
  const shards = Array.from({ length: pool.size + 1 }, (_, k) => {
    const [from, to] = [k * per, Math.min(batch.size, (k + 1) * per)];
    return { x: batch.x.slice(from * width, to * width), y: batch.y.slice(from, to) };
  }).filter((s) => s.y.length > 0);
  const weights = model.weights.map((w) => w.read().dataSync() as Float32Array);
  const remote = shards.slice(1).map((s, k) => pool.step(k, { weights, x: s.x, y: s.y, rng: [...stream, k + 1] }));
  const local = withSeededMathRandom(createRng(...stream), () =>
    computeGradients(tf, model, variables, shards[0]!.x, shards[0]!.y, shape.featureShape, shape.classes, shape.probabilities),
  );
  let others: ShardResult[];
  try {
    others = await Promise.all(remote);
  } catch (error) {
    tf.dispose(local.grads);
    throw error;
  }
  const share = shards.map((s) => s.y.length / batch.size);
  const averaged = tf.tidy(() =>
    variables.map((v, i) =>
      others.reduce((sum, r, k) => tf.add(sum, tf.mul(tf.tensor(r.grads[i]!, v.shape), share[k + 1]!)), tf.mul(local.grads[i]!, share[0]!)),
    ),
  );
  tf.dispose(local.grads);
  applyGradients(tf, optimizer, variables, averaged, clip);
  return {
    loss: others.reduce((sum, r, k) => sum + r.loss * share[k + 1]!, local.loss * share[0]!),
    correct: others.reduce((sum, r) => sum + r.correct, local.correct),
  };
}

function restore(
  tf: Tf,
  model: LayersModel,
  optimizer: Optimizer,
  variables: tfc.Variable[],
  checkpoint: CheckpointData,
  callbacks: Callback[],
): void {
  const values = checkpoint.weights.map((w) => tf.tensor(w.values, w.shape));
  model.setWeights(values);
  tf.dispose(values);
  optimizer.setState(checkpoint.optimizer, variables);
  for (const c of callbacks) {
    if (c.setState && checkpoint.callbacks[c.name] !== undefined) c.setState(checkpoint.callbacks[c.name]);
  }
}
