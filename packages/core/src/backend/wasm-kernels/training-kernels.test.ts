import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// tfjs-layers registers tfjs-core's gradient functions as a side effect.
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './register.js';

// Taken before registerWasmTrainingKernels replaces it.
const upstreamSum = tf.getKernel('Sum', 'wasm')!;

// Seeded, so that a failing geometry replays.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(2024);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const randomValues = (shape: number[]) => Float32Array.from({ length: size(shape) }, () => rand() * 2 - 1);

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
type Geometry = {
  xShape: [number, number, number, number];
  filterShape: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
  depthwise: boolean;
};
type Kernel =
  | 'Conv2DBackpropFilter'
  | 'Conv2DBackpropInput'
  | 'DepthwiseConv2dNativeBackpropFilter'
  | 'DepthwiseConv2dNativeBackpropInput';
const isInputGradient = (kernel: Kernel) => kernel.endsWith('Input');

/** A random convolution with a non-empty output; strides and dilations are never both > 1 (tfjs forbids it). */
function randomGeometry(depthwise: boolean, dilated: boolean): Geometry {
  for (;;) {
    const strides: [number, number] = dilated ? [1, 1] : [int(1, 3), int(1, 3)];
    const dilations: [number, number] = dilated ? [int(1, 3), int(2, 3)] : [1, 1];
    const fh = int(1, 4);
    const fw = int(1, 4);
    const c = int(1, 5);
    const pads: Pad[] = ['valid', 'same', int(0, 2), [[0, 0], [int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)], [0, 0]]];
    const g: Geometry = {
      xShape: [int(1, 3), int(1, 12) + (fh - 1) * dilations[0], int(1, 12) + (fw - 1) * dilations[1], c],
      filterShape: [fh, fw, c, depthwise ? int(1, 3) : int(1, 6)],
      strides,
      dilations,
      pad: pads[int(0, 3)]!,
      depthwise,
    };
    if (info(g).outShape.every((v) => v > 0)) return g;
  }
}

const info = (g: Geometry) =>
  tf.backend_util.computeConv2DInfo(g.xShape, g.filterShape, g.strides, g.dilations, g.pad, undefined, g.depthwise);

/** The gradients straight from the definition of the (depthwise) correlation, dilations included. */
function reference(g: Geometry, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const c = info(g);
  const [n, h, wd, ci] = g.xShape;
  const [fh, fw, , m] = g.filterShape;
  const dx = new Float32Array(size(g.xShape));
  const dw = new Float32Array(size(g.filterShape));
  for (let b = 0; b < n; b++)
    for (let oh = 0; oh < c.outHeight; oh++)
      for (let ow = 0; ow < c.outWidth; ow++)
        for (let kh = 0; kh < fh; kh++)
          for (let kw = 0; kw < fw; kw++) {
            const ih = oh * c.strideHeight + kh * c.dilationHeight - c.padInfo.top;
            const iw = ow * c.strideWidth + kw * c.dilationWidth - c.padInfo.left;
            if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
            for (let ch = 0; ch < ci; ch++)
              for (let o = 0; o < m; o++) {
                const outChannel = g.depthwise ? ch * m + o : o;
                const xi = ((b * h + ih) * wd + iw) * ci + ch;
                const wi = ((kh * fw + kw) * ci + ch) * m + o;
                const g_ = dy[((b * c.outHeight + oh) * c.outWidth + ow) * c.outChannels + outChannel]!;
                dw[wi]! += x[xi]! * g_;
                dx[xi]! += w[wi]! * g_;
              }
          }
  return { dx, dw };
}

function caseFor(kernel: Kernel, g: Geometry) {
  const dyShape = info(g).outShape;
  const values = { x: randomValues(g.xShape), filter: randomValues(g.filterShape), dy: randomValues(dyShape) };
  const common = { strides: g.strides, pad: g.pad, dimRoundingMode: undefined };
  const inputs = isInputGradient(kernel)
      ? { dy: { shape: dyShape, values: values.dy }, filter: { shape: g.filterShape, values: values.filter } }
      : { x: { shape: g.xShape, values: values.x }, dy: { shape: dyShape, values: values.dy } };
  const attrs = {
    ...common,
    dilations: g.dilations,
    ...(g.depthwise ? {} : { dataFormat: 'NHWC' }),
    ...(isInputGradient(kernel) ? { inputShape: g.xShape } : { filterShape: g.filterShape }),
  };
  const ref = reference(g, values.x, values.filter, values.dy);
  return { inputs, attrs, expected: isInputGradient(kernel) ? ref.dx : ref.dw };
}

async function runOn(
  backend: string,
  kernel: Kernel | 'BatchMatMul' | 'MaxPoolGrad' | 'Sum',
  c: Pick<ReturnType<typeof caseFor>, 'inputs' | 'attrs'>,
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
  const before = tf.memory().numTensors;
  const out = tf.engine().runKernel(kernel, inputs, c.attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  out.dispose();
  tf.dispose(Object.values(inputs));
  expect(tf.memory().numTensors, 'tensors left behind').toBe(before - Object.keys(inputs).length);
  return values;
}

/** Max abs difference relative to the largest magnitude of the expected values (at least 1). */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
  }
  return diff / scale;
}

const KERNELS: Array<{ kernel: Kernel; depthwise: boolean }> = [
  { kernel: 'Conv2DBackpropFilter', depthwise: false },
  { kernel: 'Conv2DBackpropInput', depthwise: false },
  { kernel: 'DepthwiseConv2dNativeBackpropFilter', depthwise: true },
  { kernel: 'DepthwiseConv2dNativeBackpropInput', depthwise: true },
];

describe('wasm training kernels', () => {
  // Registered before the backend initialises, as backend selection does.
  beforeAll(async () => {
    registerWasmTrainingKernels('wasm');
    await tf.setBackend('wasm');
  });

  it('are registered once', () => {
    expect(registerWasmTrainingKernels('wasm')).toEqual([]);
    for (const { kernel } of KERNELS) expect(tf.getKernel(kernel, 'wasm')).toBeDefined();
  });

  it('BatchMatMul with transposed operands (batched and broadcast) matches the cpu backend', async () => {
    for (const [aShape, bShape] of [
      [[5, 7], [5, 3]],
      [[2, 4, 6], [2, 4, 3]],
      [[3, 2, 4, 6], [1, 4, 5]],
    ] as const) {
      for (const [transposeA, transposeB] of [[true, false], [false, true], [true, true], [false, false]]) {
        const [ra, ca] = aShape.slice(-2) as [number, number];
        const [rb, cb] = bShape.slice(-2) as [number, number];
        const a = transposeA ? [...aShape] : [...aShape.slice(0, -2), ca, ra];
        const b = transposeB ? [...bShape.slice(0, -2), cb, rb] : [...bShape];
        const c = {
          inputs: { a: { shape: a, values: randomValues(a) }, b: { shape: b, values: randomValues(b) } },
          attrs: { transposeA, transposeB },
          expected: new Float32Array(),
        };
        const cpu = await runOn('cpu', 'BatchMatMul', c);
        expect(relativeError(await runOn('wasm', 'BatchMatMul', c), cpu)).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  for (const { kernel, depthwise } of KERNELS) {
    it(`${kernel} matches the cpu backend on 40 random shapes, paddings and strides`, async () => {
      for (let i = 0; i < 40; i++) {
        const g = randomGeometry(depthwise, false);
        const c = caseFor(kernel, g);
        const cpu = await runOn('cpu', kernel, c);
        const wasm = await runOn('wasm', kernel, c);
        expect(relativeError(wasm, cpu), JSON.stringify(g)).toBeLessThanOrEqual(1e-4);
        expect(relativeError(wasm, c.expected), JSON.stringify(g)).toBeLessThanOrEqual(1e-4);
      }
    });

    // tfjs's own gradients never pass dilations > 1 and the cpu kernels ignore them, so the definition decides.
    it(`${kernel} with dilations matches the definition on 20 random shapes`, async () => {
      for (let i = 0; i < 20; i++) {
        const g = randomGeometry(depthwise, true);
        const c = caseFor(kernel, g);
        expect(relativeError(await runOn('wasm', kernel, c), c.expected), JSON.stringify(g)).toBeLessThanOrEqual(1e-4);
      }
    });
  }

  type PoolCase = { xShape: number[]; window: number; stride: number; pad: 'valid' | 'same' | number; rounding?: 'floor' | 'ceil' };

  async function maxPoolGradOnBothBackends(p: PoolCase, x: Float32Array): Promise<{ cpu: Float32Array; wasm: Float32Array }> {
    await tf.setBackend('cpu');
    const output = tf.tidy(() =>
      tf.maxPool(tf.tensor4d(x, p.xShape as [number, number, number, number]), p.window, p.stride, p.pad, p.rounding),
    );
    const outShape = output.shape;
    const outValues = (await output.data()) as Float32Array;
    output.dispose();
    const c = {
      inputs: {
        dy: { shape: outShape, values: randomValues(outShape) },
        input: { shape: p.xShape, values: x },
        output: { shape: outShape, values: outValues },
      },
      attrs: { filterSize: p.window, strides: p.stride, pad: p.pad, dimRoundingMode: p.rounding },
    };
    return { cpu: await runOn('cpu', 'MaxPoolGrad', c), wasm: await runOn('wasm', 'MaxPoolGrad', c) };
  }

  it('MaxPoolGrad matches the cpu backend for windows 1-3, strides 1-3, valid/same/numeric padding, ties included', async () => {
    const pads: Array<Pick<PoolCase, 'pad' | 'rounding'>> = [
      { pad: 'valid' },
      { pad: 'same' },
      { pad: 1, rounding: 'floor' },
      { pad: 1, rounding: 'ceil' },
    ];
    for (const window of [1, 2, 3])
      for (const stride of [1, 2, 3])
        for (const pad of pads)
          for (const tied of [true, false]) {
            // Odd and even sizes, batch and channels > 1 in most cases.
            const p: PoolCase = { xShape: [int(1, 3), int(window, 11), int(window, 11), int(1, 5)], window, stride, ...pad };
            // Few distinct values and many zeros (as after a ReLU) make windows hold tied maxima: the first one wins.
            const x = Float32Array.from({ length: size(p.xShape) }, () => (tied ? Math.max(0, int(-2, 3)) : rand() * 2 - 1));
            const { cpu, wasm } = await maxPoolGradOnBothBackends(p, x);
            expect(relativeError(wasm, cpu), JSON.stringify(p)).toBeLessThanOrEqual(1e-6);
          }
  });

  it('MaxPoolGrad matches the cpu backend on the 2x2 pooling of a CNN activation, all-zero windows included', async () => {
    const p: PoolCase = { xShape: [4, 26, 26, 32], window: 2, stride: 2, pad: 'valid' };
    const x = Float32Array.from({ length: size(p.xShape) }, () => Math.max(0, rand() * 2 - 1));
    const { cpu, wasm } = await maxPoolGradOnBothBackends(p, x);
    expect(relativeError(wasm, cpu)).toBeLessThanOrEqual(1e-6);
  });

  async function upstreamSumOf(x: { shape: number[]; values: Float32Array }, axis: number | number[], keepDims: boolean) {
    await tf.setBackend('wasm');
    const input = tf.tensor(x.values, x.shape);
    const backend = tf.backend();
    const out = upstreamSum.kernelFunc({ inputs: { x: input }, attrs: { axis, keepDims }, backend }) as tf.TensorInfo;
    const values = backend.readSync(out.dataId) as Float32Array;
    backend.disposeData(out.dataId);
    input.dispose();
    return values;
  }

  it('Sum over leading axes (bias gradients) matches the cpu backend and is bit-identical to the upstream wasm Sum', async () => {
    for (const [shape, axis, keepDims] of [
      [[4, 6, 5, 3], [0, 1, 2], false],
      [[4, 6, 5, 3], [0, 1, 2], true],
      [[7, 10], 0, false],
      [[7, 10], [-2], true],
      [[3, 4, 5], [0, 1], false],
      [[0, 4], 0, false],
      [[3, 4, 5], [1, 2], false],
      [[3, 4, 5], [0, 2], true],
      [[3, 4, 5], [0, 1, 2], false],
      [[8, 26, 26, 32], [0, 1, 2], false],
    ] as Array<[number[], number | number[], boolean]>) {
      const c = { inputs: { x: { shape, values: randomValues(shape) } }, attrs: { axis, keepDims } };
      const cpu = await runOn('cpu', 'Sum', c);
      const wasm = await runOn('wasm', 'Sum', c);
      // Both wasm kernels add in float32, the cpu backend in float64.
      expect(relativeError(wasm, cpu), JSON.stringify({ shape, axis })).toBeLessThanOrEqual(1e-5);
      expect(await upstreamSumOf(c.inputs.x, axis, keepDims), 'bit-identical to the upstream wasm Sum').toEqual(wasm);
      const shapes = [];
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        shapes.push(tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims).shape));
      }
      expect(shapes[1], JSON.stringify({ shape, axis, keepDims })).toEqual(shapes[0]);
    }
  });

  it('Conv2DBackpropFilter takes NCHW data', async () => {
    const g: Geometry = { xShape: [2, 7, 6, 3], filterShape: [3, 3, 3, 4], strides: [1, 1], dilations: [1, 1], pad: 'valid', depthwise: false };
    const c = caseFor('Conv2DBackpropFilter', g);
    const nchw = (v: { shape: number[]; values: Float32Array }) => {
      const t = tf.tidy(() => tf.transpose(tf.tensor(v.values, v.shape), [0, 3, 1, 2]));
      const out = { shape: t.shape, values: t.dataSync() as Float32Array };
      t.dispose();
      return out;
    };
    const inputs = c.inputs as { x: { shape: number[]; values: Float32Array }; dy: { shape: number[]; values: Float32Array } };
    const actual = await runOn('wasm', 'Conv2DBackpropFilter', {
      ...c,
      inputs: { x: nchw(inputs.x), dy: nchw(inputs.dy) },
      attrs: { ...c.attrs, dataFormat: 'NCHW' },
    });
    expect(relativeError(actual, c.expected)).toBeLessThanOrEqual(1e-4);
  });

  it('trains a conv + bias + max-pool + depthwise network on wasm to the same weights as on cpu', async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const r = mulberry32(7);
      const x = tf.tensor4d(Float32Array.from({ length: 4 * 9 * 9 * 2 }, () => r() - 0.5), [4, 9, 9, 2]);
      const y = tf.tensor4d(Float32Array.from({ length: 4 * 4 * 4 * 6 }, () => r() - 0.5), [4, 4, 4, 6]);
      const w1 = tf.variable(tf.tensor4d(Float32Array.from({ length: 3 * 3 * 2 * 3 }, () => r() - 0.5), [3, 3, 2, 3]));
      const w2 = tf.variable(tf.tensor4d(Float32Array.from({ length: 3 * 3 * 3 * 2 }, () => r() - 0.5), [3, 3, 3, 2]));
      const b1 = tf.variable(tf.tensor1d(Float32Array.from({ length: 3 }, () => r() - 0.5)));
      const optimizer = tf.train.sgd(0.05);
      for (let step = 0; step < 5; step++) {
        optimizer.minimize(() => {
          const h = tf.relu(tf.add(tf.conv2d(x, w1, 1, 'same'), b1));
          const out = tf.depthwiseConv2d(tf.maxPool(h, 2, 2, 'valid'), w2, 1, 'same');
          return tf.mean(tf.square(tf.sub(out, y)));
        });
      }
      const weights = [await w1.data(), await w2.data(), await b1.data()] as Float32Array[];
      tf.dispose([x, y, w1, w2, b1]);
      optimizer.dispose();
      return weights;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (let i = 0; i < cpu.length; i++) expect(relativeError(wasm[i]!, cpu[i]!)).toBeLessThanOrEqual(1e-4);
  });

  it('UnsortedSegmentSum (the gradient of Gather) matches the cpu backend, ids out of range dropped', async () => {
    for (const [xShape, idsShape, numSegments] of [
      [[6, 3], [6], 4],
      [[10, 2, 4], [10], 7],
      [[9], [9], 3],
    ] as Array<[number[], number[], number]>) {
      const size = xShape.reduce((a, b) => a * b, 1);
      const x = Array.from({ length: size }, () => Math.round(Math.random() * 200 - 100) / 10);
      const ids = Array.from({ length: idsShape.reduce((a, b) => a * b, 1) }, () => Math.floor(Math.random() * (numSegments + 2)) - 1);
      const results: Float32Array[] = [];
      for (const backend of ['cpu', 'wasm']) {
        await tf.setBackend(backend);
        const out = tf.unsortedSegmentSum(tf.tensor(x, xShape), tf.tensor(ids, idsShape, 'int32'), numSegments);
        results.push((await out.data()) as Float32Array);
        out.dispose();
      }
      expect(relativeError(results[1]!, results[0]!)).toBeLessThan(1e-6); // summation order only
    }
    await tf.setBackend('wasm');
  });
});
