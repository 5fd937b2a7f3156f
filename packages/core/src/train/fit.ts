import type * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { selectTfjsBackend, type Tf } from '../backend/tfjs.js';
import { DlError } from '../errors.js';
import type { BatchLogs, Callback, EpochLogs, StopReason, TrainingContext } from './callbacks/callback.js';
import { assertResumable, readCheckpoint, writeCheckpoint, type CheckpointData } from './checkpoint.js';
import { batchCount, iterateBatches, type Batch } from './data/batches.js';
import { assertTrainable, featureSize, type Dataset } from './data/dataset.js';
import { assertTrainingFits, assertWorkers, modelFootprint, optimizerSlots } from './limits.js';
import { ClassificationMetrics, type ClassificationReport } from './metrics/classification.js';
import { clipGradients, createOptimizer, type Optimizer, type OptimizerConfig } from './optim/optimizers.js';
import { startGradientWorkers, type GradientWorkers, type ShardResult } from './parallel/pool.js';
import { createRng, RNG_STREAM, shuffleInPlace, withSeededMathRandom, type Rng } from './random.js';
import { computeGradients, crossEntropy, endsInSoftmax } from './step.js';

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
}

export interface FitResult {
  history: EpochLogs[];
  stopReason: StopReason;
  /** Epochs completed. */
  epochs: number;
  /** Full report on the validation data after the last epoch (with restored weights, if any were). */
  validation?: ClassificationReport;
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

function checkShapes(model: LayersModel, dataset: Dataset, what: string): void {
  const input = model.inputs[0]?.shape.slice(1);
  if (model.inputs.length !== 1 || input === undefined || input.join() !== dataset.featureShape.join()) {
    throw new DlError('DATASET_INVALID', `${what} examples have shape [${dataset.featureShape.join(', ')}]; the model takes [${input?.join(', ')}]`);
  }
  const classes = outputClasses(model);
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
    const [scores, loss] = tf.tidy(() => {
      const x = tf.tensor(batch.x, [batch.size, ...dataset.featureShape]);
      const output = model.apply(x, { training: false }) as tfc.Tensor;
      const labels = tf.tensor1d(batch.y, 'int32');
      const l = crossEntropy(tf, output, labels, classes, probabilities);
      return [output.dataSync() as Float32Array, l.dataSync()[0]!] as const;
    });
    lossSum += loss * batch.size;
    metrics.update(scores, batch.y);
  }
  return { loss: lossSum / dataset.size, report: metrics.report() };
}

function defaultTopK(classes: number): number[] {
  return classes > 5 ? [5] : [];
}

async function gatherCallbackStates(callbacks: Callback[]): Promise<Record<string, unknown>> {
  return Object.fromEntries(callbacks.filter((c) => c.getState).map((c) => [c.name, c.getState!()]));
}

/**
 * Trains a tfjs layers classifier on a dataset: the loop of Keras `fit` with seeded determinism, exact resume
 * from checkpoints, gradient clipping, streaming batches and callbacks.
 */
export async function fit(model: LayersModel, train: Dataset, options: FitOptions): Promise<FitResult> {
  const { tf, backend } = await selectTfjsBackend();
  const started = performance.now();
  assertTrainable(train);
  checkShapes(model, train, 'Training data');
  if (options.validation) checkShapes(model, options.validation, 'Validation data');
  if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new DlError('INVALID_ARGUMENT', `epochs must be a positive integer, got ${options.epochs}`);
  const { batchSize, workers } = boundedKnobs(model, train, options, backend);
  const seed = options.seed ?? 0;
  const callbacks = options.callbacks ?? [];
  const names = callbacks.map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new DlError('INVALID_ARGUMENT', `Two callbacks are named '${duplicate}'`);
  const classes = outputClasses(model);
  const probabilities = endsInSoftmax(model);
  const topK = options.topK ?? defaultTopK(classes);
  const width = featureSize(train);
  const stepsPerEpoch = batchCount(train.size, batchSize);
  const optimizer: Optimizer = createOptimizer(tf, options.optimizer ?? { name: 'adam' });
  const variables = model.trainableWeights.map((w) => w.read() as tfc.Variable);

  let epoch = 0;
  let step = 0;
  let globalStep = 0;
  let history: EpochLogs[] = [];
  let partial = { lossSum: 0, correct: 0, count: 0 };
  let stopReason: StopReason = 'completed';
  let stopRequested: StopReason | undefined;

  // Where a run resumed from a checkpoint taken now would start.
  let next = { epoch: 0, step: 0 };
  const snapshot = async (): Promise<CheckpointData> => ({
    ...next,
    globalStep,
    seed,
    learningRate: optimizer.learningRate,
    optimizer: { name: optimizer.config.name, ...(await optimizer.getState()) },
    weights: await Promise.all(
      model.weights.map(async (w) => ({ name: w.originalName, shape: [...w.shape] as number[], values: (await w.read().data()) as Float32Array })),
    ),
    history,
    partial: { ...partial },
    callbacks: await gatherCallbackStates(callbacks),
    run: { batchSize, examples: train.size },
  });

  const ctx: TrainingContext = {
    tf,
    model,
    optimizer,
    epochs: options.epochs,
    stepsPerEpoch,
    get epoch() {
      return epoch;
    },
    get step() {
      return step;
    },
    get globalStep() {
      return globalStep;
    },
    get history() {
      return history;
    },
    stop(reason) {
      stopRequested ??= reason;
    },
    saveCheckpoint: async (dir) => writeCheckpoint(dir, await snapshot()),
  };

  let pool: GradientWorkers | undefined;
  try {
    if (options.resumeFrom !== undefined) {
      const checkpoint = await readCheckpoint(options.resumeFrom);
      assertResumable(
        checkpoint,
        {
          epochs: options.epochs,
          stepsPerEpoch,
          batchSize,
          examples: train.size,
          seed,
          optimizer: optimizer.config.name,
          slots: optimizerSlots(optimizer.config),
          weights: model.weights.map((w) => ({ shape: w.shape as number[] })),
          variables: variables.map((v) => v.size),
        },
        options.resumeFrom,
      );
      restore(tf, model, optimizer, variables, checkpoint, callbacks);
      ({ epoch, step, globalStep, history, partial } = checkpoint);
      next = { epoch, step };
      optimizer.learningRate = checkpoint.learningRate;
    }
    if (workers > 1) {
      pool = await startGradientWorkers(workers - 1, {
        backend,
        topology: model.toJSON(undefined, false) as object,
        featureShape: [...train.featureShape],
        classes,
        probabilities,
      });
    }
  } catch (error) {
    optimizer.dispose();
    throw error;
  }
  const shape = { featureShape: train.featureShape, classes, probabilities };
  try {
    for (const c of callbacks) await c.onTrainBegin?.(ctx);
    for (; epoch < options.epochs && stopRequested === undefined; epoch++, step = 0) {
      if (step === 0) partial = { lossSum: 0, correct: 0, count: 0 };
      for (const c of callbacks) await c.onEpochBegin?.(ctx);
      const order = Int32Array.from({ length: train.size }, (_, i) => i);
      shuffleInPlace(order, createRng(seed, RNG_STREAM.shuffle, epoch));
      const batches = iterateBatches(train, { batchSize, order, startBatch: step, prefetch: options.prefetch });
      for await (const batch of batches) {
        // Batches already read resolve as microtasks, which never let signals, timers or I/O in: yield a turn
        // so that Ctrl-C (the AbortSignal) and progress output are seen during the epoch.
        await new Promise((turn) => setImmediate(turn));
        if (options.signal?.aborted) {
          stopRequested = 'aborted';
          break;
        }
        for (const c of callbacks) c.onBatchBegin?.(ctx);
        if (options.augment) {
          const rng = createRng(seed, RNG_STREAM.augment, epoch, step);
          for (let i = 0; i < batch.size; i++) batch.x.set(options.augment(batch.x.subarray(i * width, (i + 1) * width), rng), i * width);
        }
        const stream = [seed, RNG_STREAM.step, epoch, step] as const;
        const { loss, correct } = pool
          ? await parallelStep(tf, model, optimizer, variables, pool, batch, shape, options.clip, stream)
          : withSeededMathRandom(createRng(...stream), () => {
              const result = computeGradients(tf, model, variables, batch.x, batch.y, train.featureShape, classes, probabilities);
              applyGradients(tf, optimizer, variables, result.grads, options.clip);
              return result;
            });
        partial.lossSum += loss * batch.size;
        partial.correct += correct;
        partial.count += batch.size;
        step++;
        globalStep++;
        next = { epoch, step };
        const logs: BatchLogs = { loss: partial.lossSum / partial.count, accuracy: partial.correct / partial.count, batchLoss: loss };
        for (const c of callbacks) await c.onBatchEnd?.(ctx, logs);
        if (stopRequested !== undefined) break;
      }
      // ctx.stop() may have set it during the awaits above; TypeScript cannot see that.
      const requested = stopRequested as StopReason | undefined;
      if (requested !== undefined && requested !== 'early-stopping') break;
      const logs: EpochLogs = { epoch, loss: partial.lossSum / partial.count, accuracy: partial.correct / partial.count };
      if (options.validation) {
        const { loss, report } = await evaluate(model, options.validation, { batchSize: Math.max(batchSize, 128), topK, tf });
        logs.val_loss = loss;
        logs.val_accuracy = report.accuracy;
        for (const [k, v] of Object.entries(report.topK)) logs[`val_${k}`] = v;
      }
      logs.learningRate = optimizer.learningRate;
      history = [...history, logs];
      next = { epoch: epoch + 1, step: 0 };
      partial = { lossSum: 0, correct: 0, count: 0 };
      for (const c of callbacks) await c.onEpochEnd?.(ctx, logs);
    }
    stopReason = stopRequested ?? 'completed';
    if (stopReason === 'aborted') for (const c of callbacks) await c.onInterrupt?.(ctx);
    for (const c of callbacks) await c.onTrainEnd?.(ctx, stopReason);
    const validation =
      options.validation && stopReason !== 'aborted' ? (await evaluate(model, options.validation, { batchSize: Math.max(batchSize, 128), topK, tf })).report : undefined;
    return {
      history,
      stopReason,
      epochs: history.length,
      ...(validation ? { validation } : {}),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    optimizer.dispose();
    await pool?.close();
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
