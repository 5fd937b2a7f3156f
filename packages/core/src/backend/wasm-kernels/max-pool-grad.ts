import {
  backend_util,
  MaxPoolGrad,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { filterTaps } from './filter-taps.js';
import { zeroStuff } from './full-correlation.js';
import type { KernelComposer } from './kernel-composer.js';
import { compose } from './kernel-composer.js';

/**
 * The gradient of max pooling routes each dy value to the first maximum (row-major) of its window, as the cpu
 * backend does. Replaces the wasm MaxPoolGrad of tfjs 4.22, which is slow (29 ms for the 2x2 pooling of a
 * [64,26,26,32] activation) and wrong for some geometries (window 1, stride 2, 'same' pooling of a batch of 2
 * drops gradients of the second example).
 */
export function maxPoolGrad(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const pool = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    return compose(backend as KernelBackend, backendName, (k) => {
      const tiling =
        pool.strideHeight === pool.filterHeight &&
        pool.strideWidth === pool.filterWidth &&
        pool.padInfo.top === 0 &&
        pool.padInfo.left === 0;
      return tiling ? tilingWindows(k, input, dy, pool) : anyWindows(k, input, output, dy, pool);
    });
  };
  return { kernelName: MaxPoolGrad, backendName, kernelFunc: kernelFunc as KernelFunc };
}

/**
 * Per tap, dy where that tap holds its window's maximum and no earlier tap does, else 0. In float arithmetic
 * (Step, Sub, Mul), as the wasm comparison and logical kernels are ~10x slower than these.
 */
function firstMaxShares(k: KernelComposer, taps: TensorInfo[], max: TensorInfo, dy: TensorInfo): TensorInfo[] {
  let unclaimed = k.run('OnesLike', { x: dy });
  return taps.map((tap) => {
    const belowMax = k.run('Step', { x: k.run('Sub', { a: max, b: tap }) }, { alpha: 0 });
    const first = k.run('Sub', { a: unclaimed, b: k.run('Multiply', { a: unclaimed, b: belowMax }) });
    unclaimed = k.run('Sub', { a: unclaimed, b: first });
    return k.run('Multiply', { a: first, b: dy });
  });
}

/**
 * Windows that tile the input (stride = window, no padding), as CNNs pool: the windows regrouped on a last axis,
 * an ArgMax (first maximum) and a OneHot mask times dy. Measured here on the 2x2 pooling of a [64,26,26,32]
 * activation: 17 ms, against 29 ms upstream and 30-200 ms for per-tap variants (the wasm Slice, StridedSlice and
 * rank-6 transposes with a contiguous inner axis are slow).
 */
function tilingWindows(k: KernelComposer, input: TensorInfo, dy: TensorInfo, pool: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize: n, inChannels: c, filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow } = pool;
  const uncovered: [number, number] = [pool.inHeight - oh * fh, pool.inWidth - ow * fw];
  const covered = k.padOrCrop(input, [[0, 0], [0, -uncovered[0]], [0, -uncovered[1]], [0, 0]]);
  // [N, OH, fh, OW, fw, C] -> [N, OH, OW, C, fh*fw]: each window's values, row-major, on the last axis.
  const grouped = k.transpose(k.reshape(covered, [n, oh, fh, ow, fw, c]), [0, 1, 3, 5, 2, 4]);
  const firstMax = k.run('ArgMax', { x: k.reshape(grouped, [n, oh, ow, c, fh * fw]) }, { axis: 4 });
  // The wasm OneHot ignores its dtype attribute and yields int32.
  const mask = k.run('OneHot', { indices: firstMax }, { depth: fh * fw, onValue: 1, offValue: 0, dtype: 'int32' });
  const routed = k.run('Multiply', {
    a: k.run('Cast', { x: mask }, { dtype: 'float32' }),
    b: k.reshape(dy, [n, oh, ow, c, 1]),
  });
  const back = k.transpose(k.reshape(routed, [n, oh, ow, c, fh, fw]), [0, 1, 4, 2, 5, 3]);
  return k.padOrCrop(k.reshape(back, [n, oh * fh, ow * fw, c]), [[0, 0], [0, uncovered[0]], [0, uncovered[1]], [0, 0]]);
}

/**
 * Any geometry: taps from the input padded with -Infinity (padding never holds the maximum), and each tap's
 * share added back at the input positions that tap read.
 */
function anyWindows(
  k: KernelComposer,
  input: TensorInfo,
  output: TensorInfo,
  dy: TensorInfo,
  pool: backend_util.Conv2DInfo,
): TensorInfo {
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = pool;
  const shares = firstMaxShares(k, filterTaps(k, input, pool, -Infinity), output, dy);
  const placed = shares.map((share, tap) => {
    const top = Math.floor(tap / pool.filterWidth) - pool.padInfo.top;
    const left = (tap % pool.filterWidth) - pool.padInfo.left;
    return k.padOrCrop(zeroStuff(k, share, sh, sw), [
      [0, 0],
      [top, pool.inHeight - top - oh * sh],
      [left, pool.inWidth - left - ow * sw],
      [0, 0],
    ]);
  });
  return placed.length === 1 ? placed[0]! : k.run('AddN', placed);
}
