import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend, type Tf } from '../backend/tfjs.js';
import { isDlError } from '../errors.js';
import { buildArchitecture } from './architectures.js';
import type { Callback } from './callbacks/callback.js';
import { checkpoints } from './callbacks/checkpoints.js';
import { earlyStopping } from './callbacks/early-stopping.js';
import { cosineDecay, reduceOnPlateau, stepDecay } from './callbacks/lr-schedules.js';
import { metricLog } from './callbacks/metric-log.js';
import { terminateOnNaN } from './callbacks/terminate-on-nan.js';
import { readCheckpoint } from './checkpoint.js';
import { fromArrays, mapDataset, subset, type Dataset } from './data/dataset.js';
import { splitDataset } from './data/split.js';
import { fit, type FitOptions } from './fit.js';
import { testDataset } from '../testing.js';
import { DIGITS_DIR, randomShift, realDigits } from './real-digits.test-helpers.js';

const POLARITY_DIR = testDataset('rt-polarity');

let tf: Tf;
let train: Dataset;
let validation: Dataset;
let dir: string;

beforeAll(async () => {
  ({ tf } = await selectTfjsBackend('wasm'));
  dir = await mkdtemp(join(tmpdir(), 'dlkit-fit-'));
  if (DIGITS_DIR === undefined) return;
  const digits = await realDigits();
  // A small stratified sample of the real digits: enough to learn, quick enough for a unit test.
  const { validation: sample } = splitDataset(digits, { validation: 0.08, seed: 3 });
  ({ train, validation } = splitDataset(sample, { validation: 0.25, seed: 3 }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const mlp = (seed = 1) => buildArchitecture('mlp', { inputShape: [28, 28, 1], classes: 10, hidden: [32], dropout: 0.2, seed });
const weightsOf = async (model: LayersModel) => Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));

describe.skipIf(!DIGITS_DIR)('fit on real handwritten digits', () => {
  it('a CNN learns digits well above chance in two epochs (600 training images, wasm)', async () => {
    const model = await buildArchitecture('cnn-small', { inputShape: [28, 28, 1], classes: 10, seed: 1 });
    const before = tf.memory().numTensors;
    const result = await fit(model, train, { epochs: 2, batchSize: 32, seed: 1, validation, optimizer: { name: 'adam', learningRate: 2e-3 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stopReason).toBe('completed');
    expect(result.history).toHaveLength(2);
    expect(result.history[1]!.loss).toBeLessThan(result.history[0]!.loss);
    expect(result.validation!.accuracy).toBeGreaterThan(0.8); // chance is 0.1
    expect(result.validation!.count).toBe(validation.size);
    expect(result.validation!.confusion.flat().reduce((a, b) => a + b)).toBe(validation.size);
    expect(result.validation!.topK.top5).toBeGreaterThanOrEqual(result.validation!.accuracy);
    expect(result.validation!.perClass).toHaveLength(10);
    model.dispose();
  });

  it('is deterministic: the same seed gives the same weights, dropout and augmentation included', async () => {
    const run = async (seed: number) => {
      const model = await mlp(seed);
      await fit(model, train, { epochs: 1, batchSize: 64, seed, augment: randomShift(28) });
      const w = await weightsOf(model);
      model.dispose();
      return w;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
  });

  it('resumes from a checkpoint written on interruption and ends at the same weights as an uninterrupted run', async () => {
    const options = (extra: Partial<FitOptions>): FitOptions => ({
      epochs: 2,
      batchSize: 64,
      seed: 9,
      validation,
      optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9 },
      augment: randomShift(28),
      ...extra,
    });
    const straight = await mlp(9);
    const full = await fit(straight, train, options({ callbacks: [cosineDecay({ warmupEpochs: 0.5 }), earlyStopping({ patience: 5 })] }));

    const ckpt = join(dir, 'resume');
    const controller = new AbortController();
    const interrupter: Callback = {
      name: 'interrupter',
      onBatchEnd(ctx) {
        if (ctx.epoch === 1 && ctx.step === 3) controller.abort();
      },
    };
    const first = await mlp(9);
    const interrupted = await fit(first, train, options({
      signal: controller.signal,
      callbacks: [cosineDecay({ warmupEpochs: 0.5 }), earlyStopping({ patience: 5 }), checkpoints({ dir: ckpt }), interrupter],
    }));
    expect(interrupted.stopReason).toBe('aborted');
    const saved = await readCheckpoint(ckpt);
    expect([saved.epoch, saved.step]).toEqual([1, 3]);

    const second = await mlp(123); // different initial weights: the checkpoint must replace them all
    const resumed = await fit(second, train, options({ resumeFrom: ckpt, callbacks: [cosineDecay({ warmupEpochs: 0.5 }), earlyStopping({ patience: 5 }), checkpoints({ dir: ckpt })] }));
    expect(resumed.stopReason).toBe('completed');
    expect(await weightsOf(second)).toEqual(await weightsOf(straight));
    expect(resumed.history).toEqual(full.history);
    for (const m of [straight, first, second]) m.dispose();
  });

  it('early stopping stops when validation stalls and restores the best weights', async () => {
    const model = await mlp(2);
    let best: number[][] = [];
    let bestLoss = Infinity;
    const spy: Callback = {
      name: 'spy',
      async onEpochEnd(ctx, logs) {
        if (logs.val_loss! < bestLoss) {
          bestLoss = logs.val_loss!;
          best = await weightsOf(ctx.model);
        }
      },
    };
    // A learning rate this high makes validation loss stall and bounce at once.
    const result = await fit(model, train, { epochs: 30, batchSize: 64, seed: 2, validation, optimizer: { name: 'sgd', learningRate: 1.5 }, callbacks: [spy, earlyStopping({ patience: 2 })] });
    expect(result.stopReason).toBe('early-stopping');
    expect(result.epochs).toBeLessThan(30);
    expect(await weightsOf(model)).toEqual(best);
    model.dispose();
  });

  it('terminates on NaN (NaN pixels in the data poison the loss)', async () => {
    // No ReLU: on wasm, relu(NaN) is 0, which would hide the NaN from the loss.
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [28, 28, 1] }), tfl.layers.dense({ units: 10, activation: 'softmax' })] });
    const poisoned = mapDataset(train, (x) => (x[14 * 28 + 14]! > 0.5 ? x.map(() => Number.NaN) : x));
    const steps: number[] = [];
    const result = await fit(model, poisoned, { epochs: 3, batchSize: 64, callbacks: [terminateOnNaN(), { name: 'spy', onBatchEnd: (ctx) => void steps.push(ctx.globalStep) }] });
    expect(result.stopReason).toBe('nan');
    expect(steps.length).toBeLessThan(poisoned.size / 64);
    model.dispose();
  });

  it('logs each epoch to JSONL and CSV', async () => {
    const model = await mlp(4);
    const jsonl = join(dir, 'log.jsonl');
    const csv = join(dir, 'log.csv');
    await fit(model, train, { epochs: 2, batchSize: 64, validation, callbacks: [metricLog(jsonl), metricLog(csv)].map((c, i) => ({ ...c, name: `log${i}` })) });
    const lines = (await readFile(jsonl, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines.map((l) => l.epoch)).toEqual([0, 1]);
    expect(lines[1]!.val_accuracy).toBeGreaterThan(0);
    const rows = (await readFile(csv, 'utf8')).trim().split('\n');
    expect(rows[0]).toMatch(/^epoch,loss,accuracy,val_loss,val_accuracy,val_top5,learningRate$/);
    expect(rows).toHaveLength(3);
    model.dispose();
  });

  it('refuses a corrupt checkpoint and leaves it as it was', async () => {
    const model = await mlp(5);
    const ckpt = join(dir, 'corrupt');
    await fit(model, train, { epochs: 1, batchSize: 64, callbacks: [checkpoints({ dir: ckpt })] });
    const header = JSON.parse(await readFile(join(ckpt, 'checkpoint.json'), 'utf8')) as { tensors: string };
    const tensors = join(ckpt, header.tensors);
    const bytes = await readFile(tensors);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(tensors, bytes);
    const error = await fit(model, train, { epochs: 2, batchSize: 64, resumeFrom: ckpt }).catch((e: Error) => e);
    expect(isDlError(error, 'CHECKPOINT_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/sha256/);
    expect(await readFile(tensors)).toEqual(bytes);
    const other = await buildArchitecture('mlp', { inputShape: [28, 28, 1], classes: 10, hidden: [16], seed: 1 });
    await fit(model, train, { epochs: 1, batchSize: 64, callbacks: [checkpoints({ dir: ckpt })] });
    const mismatch = await fit(other, train, { epochs: 2, batchSize: 64, resumeFrom: ckpt }).catch((e: Error) => e);
    expect(isDlError(mismatch, 'CHECKPOINT_INVALID')).toBe(true);
    model.dispose();
    other.dispose();
  });

  it('refuses data that does not fit the model', async () => {
    const model = await buildArchitecture('mlp', { inputShape: [4], classes: 10 });
    const error = await fit(model, train, { epochs: 1 }).catch((e: Error) => e);
    expect(isDlError(error, 'DATASET_INVALID')).toBe(true);
    expect(subset(train, [0]).size).toBe(1);
    model.dispose();
  });
});

describe.skipIf(!POLARITY_DIR)('embeddings train on wasm (UnsortedSegmentSum, the gradient of Gather)', () => {
  it('a bag-of-embeddings classifier learns real movie-review sentences', async () => {
    const read = (f: string) => readFileSync(join(POLARITY_DIR!, f), 'utf8').split('\n').filter(Boolean).slice(0, 400);
    const texts = [...read('rt-polarity.pos'), ...read('rt-polarity.neg')];
    const vocab = new Map<string, number>();
    const LEN = 40;
    const ids = texts.map((t) => {
      const row = new Array<number>(LEN).fill(0);
      t.split(' ').slice(0, LEN).forEach((w, i) => (row[i] = vocab.get(w) ?? vocab.set(w, vocab.size + 1).get(w)!));
      return row;
    });
    const data = fromArrays({ features: ids, labels: texts.map((_, i) => (i < 400 ? 'POSITIVE' : 'NEGATIVE')) });
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: vocab.size + 1, outputDim: 16, inputLength: LEN }),
        tfl.layers.globalAveragePooling1d({}),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const result = await fit(model, data, { epochs: 8, batchSize: 32, seed: 1, optimizer: { name: 'adam', learningRate: 0.01 } });
    expect(result.history.at(-1)!.accuracy).toBeGreaterThan(0.8);
    model.dispose();
  });
});

describe.skipIf(!DIGITS_DIR)('learning-rate schedules', () => {
  const lrs = async (callback: Callback, epochs = 4, val = false) => {
    const seen: number[] = [];
    const model = await mlp(6);
    await fit(model, subset(train, Array.from({ length: 128 }, (_, i) => i)), {
      epochs,
      batchSize: 64,
      optimizer: { name: 'sgd', learningRate: 0.1 },
      ...(val ? { validation } : {}),
      callbacks: [callback, { name: 'spy', onBatchEnd: (ctx) => void seen.push(ctx.optimizer.learningRate) }],
    });
    model.dispose();
    return seen;
  };

  it('step decay multiplies by the factor every N epochs', async () => {
    expect((await lrs(stepDecay({ everyEpochs: 2, factor: 0.5 }))).map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05]);
  });

  it('cosine warms up linearly then decays to the floor', async () => {
    const seen = await lrs(cosineDecay({ warmupEpochs: 1, minLearningRate: 0.01 }));
    expect(seen[0]).toBeCloseTo(0.05);
    expect(seen[1]).toBeCloseTo(0.1);
    expect(seen.slice(2).every((v, i, a) => i === 0 || v < a[i - 1]!)).toBe(true);
    expect(seen.at(-1)!).toBeGreaterThan(0.01);
    expect(seen.at(-1)!).toBeLessThan(0.02);
  });

  it('reduce-on-plateau lowers the rate when validation loss stops improving', async () => {
    const seen = await lrs(reduceOnPlateau({ monitor: 'val_accuracy', mode: 'max', minDelta: 1, patience: 1, factor: 0.5 }), 3, true);
    expect(seen.map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05]);
  });
});
