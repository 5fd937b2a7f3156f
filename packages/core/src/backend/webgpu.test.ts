import { cpus } from 'node:os';
import type * as tfc from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildArchitecture } from '../train/architectures.js';
import { subset } from '../train/data/dataset.js';
import { fit } from '../train/fit.js';
import { DIGITS_DIR, realDigits } from '../train/real-digits.test-helpers.js';
import { probeTfjsBackends, selectTfjsBackend, type Tf } from './tfjs.js';

// GPU-only checks: they run where `webgpu` and `@tensorflow/tfjs-backend-webgpu` are installed and Dawn finds an
// adapter (a GPU, or Mesa's llvmpipe through OpenGL ES), and say in their name why they skip elsewhere.
const webgpu = (await probeTfjsBackends()).find((c) => c.name === 'webgpu')!;
const where = webgpu.available ? `on ${webgpu.device}` : `(skipped: ${webgpu.reason})`;

/** Every value of `a` against `b`: the largest absolute difference. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

type Backend = 'cpu' | 'webgpu';

/** `fn` with `backend` selected and DL_BACKEND naming it: core's model builders and `fit` select for themselves. */
async function withBackend<T>(backend: Backend, fn: (tf: Tf) => Promise<T>): Promise<T> {
  const saved = process.env.DL_BACKEND;
  process.env.DL_BACKEND = backend;
  try {
    return await fn((await selectTfjsBackend(backend)).tf);
  } finally {
    if (saved === undefined) delete process.env.DL_BACKEND;
    else process.env.DL_BACKEND = saved;
  }
}

/** `fn` on `backend`, its tensor read asynchronously: webgpu in Node has no synchronous read (no OffscreenCanvas). */
function on(backend: Backend, fn: (tf: Tf) => tfc.Tensor): Promise<Float32Array> {
  return withBackend(backend, async (tf) => {
    const out = fn(tf);
    const values = (await out.data()) as Float32Array;
    out.dispose();
    return values;
  });
}

/** A fixed pseudo-random fill in [-0.5, 0.5): the same numbers on both backends. */
function filled(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5);
}

/** core's `cnn-small` without dropout (tfjs draws dropout masks on the backend, and webgpu's generator is not cpu's). */
const cnnSmall = () => buildArchitecture('cnn-small', { inputShape: [28, 28, 1], classes: 10, seed: 5, dropout: 0 });

/** One Adam step (lr 1e-3) from `init` on `backend`: the loss and the weights after it. */
function adamStep(backend: Backend, init: { values: Float32Array; shape: number[] }[], x: Float32Array, y: Float32Array) {
  return withBackend(backend, async (tf) => {
    const model = await cnnSmall();
    model.setWeights(init.map((w) => tf.tensor(w.values, w.shape)));
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const [xs, ys] = [tf.tensor4d(x, [y.length / 10, 28, 28, 1]), tf.tensor2d(y, [y.length / 10, 10])];
    const loss = (await model.trainOnBatch(xs, ys)) as number;
    const weights = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
    tf.dispose([xs, ys]);
    model.dispose();
    return { loss, weights };
  });
}

describe('webgpu backend (Dawn) against the cpu backend', () => {
  afterAll(async () => {
    await selectTfjsBackend('cpu');
  });

  it.skipIf(!webgpu.available)(`conv2d and matMul agree with cpu to float32 rounding ${where}`, async () => {
    const [x, w, a, b] = [filled(8 * 28 * 28, 1), filled(3 * 3 * 32, 2), filled(64 * 1600, 3), filled(1600 * 128, 4)];
    const conv = (tf: Tf) => tf.conv2d(tf.tensor4d(x, [8, 28, 28, 1]), tf.tensor4d(w, [3, 3, 1, 32]), 1, 'valid');
    const matMul = (tf: Tf) => tf.matMul(tf.tensor2d(a, [64, 1600]), tf.tensor2d(b, [1600, 128]));
    // Measured on llvmpipe: conv2d 1.2e-7 (values up to 0.94), matMul 1.4e-5 (values up to 12.6, sums of 1,600).
    expect(maxAbsDiff(await on('cpu', conv), await on('webgpu', conv))).toBeLessThan(1e-5);
    expect(maxAbsDiff(await on('cpu', matMul), await on('webgpu', matMul))).toBeLessThan(2e-4);
  });

  it.skipIf(!webgpu.available || !DIGITS_DIR)(`one Adam step of cnn-small on 8 real digits gives cpu's loss and weights ${where}`, async () => {
    const digits = await realDigits();
    // One digit of each class and two more: indices spread over the 10,000 (the set is ordered by class).
    const picked = [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000].slice(0, 8);
    const x = await digits.read(picked);
    const y = new Float32Array(picked.length * 10);
    picked.forEach((i, k) => (y[k * 10 + digits.labels[i]!] = 1));
    const init = await withBackend('cpu', async () => {
      const seedModel = await cnnSmall();
      const weights = await Promise.all(seedModel.getWeights().map(async (w) => ({ values: (await w.data()) as Float32Array, shape: w.shape })));
      seedModel.dispose();
      return weights;
    });
    const cpu = await adamStep('cpu', init, x, y);
    const gpu = await adamStep('webgpu', init, x, y);
    expect(Math.abs(cpu.loss - gpu.loss)).toBeLessThan(1e-5);
    // Adam's first step moves each weight by ~lr (1e-3) in the sign of its gradient: a gradient of the wrong sign
    // would differ by 2e-3. Measured on llvmpipe with 64 digits: at most 1.1e-6.
    cpu.weights.forEach((w, i) => expect(maxAbsDiff(w, gpu.weights[i]!)).toBeLessThan(1e-4));
  });

  it.skipIf(!webgpu.available || !DIGITS_DIR)(`fit trains on webgpu (asynchronous reads) to cpu's losses and weights: mlp, 256 real digits, validation ${where}`, async () => {
    const digits = await realDigits();
    const train = subset(digits, Array.from({ length: 256 }, (_, i) => i * 39));
    const validation = subset(digits, Array.from({ length: 64 }, (_, i) => i * 39 + 17));
    // No dropout: tfjs draws its masks on the backend, and webgpu's generator is not cpu's.
    const run = (backend: Backend) =>
      withBackend(backend, async () => {
        const model = await buildArchitecture('mlp', { inputShape: [28, 28, 1], classes: 10, seed: 3, dropout: 0 });
        const result = await fit(model, train, { epochs: 1, batchSize: 64, seed: 3, validation, optimizer: { name: 'adam', learningRate: 1e-3 } });
        const weights = await Promise.all(model.weights.map(async (w) => (await w.read().data()) as Float32Array));
        model.dispose();
        return { history: result.history[0]!, weights };
      });
    const cpu = await run('cpu');
    const gpu = await run('webgpu');
    expect(Math.abs(cpu.history.loss - gpu.history.loss)).toBeLessThan(1e-4);
    expect(Math.abs(cpu.history.val_loss! - gpu.history.val_loss!)).toBeLessThan(1e-4);
    expect(gpu.history.val_accuracy).toBe(cpu.history.val_accuracy);
    const worst = Math.max(...cpu.weights.map((w, i) => maxAbsDiff(w, gpu.weights[i]!)));
    // Four Adam steps of ~1e-3 each: a step of the wrong sign anywhere would show as ~2e-3.
    expect(worst).toBeLessThan(5e-4);
  });

  it.skipIf(!webgpu.available || !DIGITS_DIR || cpus().length < 2)(`fit on webgpu refuses workers: 2 with INVALID_ARGUMENT before any step ${where}`, async () => {
    const train = subset(await realDigits(), [0, 1000, 2000, 3000]);
    await withBackend('webgpu', async () => {
      const model = await buildArchitecture('mlp', { inputShape: [28, 28, 1], classes: 10, seed: 3 });
      await expect(fit(model, train, { epochs: 1, batchSize: 4, workers: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      model.dispose();
    });
  });
});
