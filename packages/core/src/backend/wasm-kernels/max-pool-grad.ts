import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, MaxPoolGrad } from './tfjs-core.js';

type PoolInfo = ReturnType<typeof backend_util.computePool2DInfo>;
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The gradient of max pooling routes each dy value to the first maximum (row-major) of its window, as the cpu
 * backend does (windows with no maximum above -Infinity, such as all-NaN ones, route nothing). One pass over the
 * wasm heap in JS, ~3x faster here than the kernel composed of wasm ops (rank-6 transposes, ArgMax, OneHot) that it
 * replaced (21 ms vs 65 ms for the 2x2 pooling of a [64,26,26,32] activation, on a loaded machine), which was itself
 * ~2x faster than tfjs 4.22's wasm MaxPoolGrad; that one is also wrong for some geometries (window 1, stride 2,
 * 'same' pooling of a batch of 2 drops gradients of the second example).
 */
export function maxPoolGrad(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const pool = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const heap = backend as BackendWasm;
    const dx = heap.makeOutput(input.shape, 'float32');
    // makeOutput may grow the heap, which detaches views taken before it.
    routeToFirstMax(
      heap.typedArrayFromHeap(input) as Float32Array,
      heap.typedArrayFromHeap(dy) as Float32Array,
      heap.typedArrayFromHeap(dx) as Float32Array,
      pool,
    );
    return dx;
  };
  return { kernelName: MaxPoolGrad, backendName, kernelFunc: kernelFunc as KernelFunc };
}

/**
 * dx = 0, then each dy[n, oh, ow, c] added at the first maximum of its window of x. Windows are walked in output
 * order, so overlapping windows add into a dx value in the order the cpu backend sums them.
 */
function routeToFirstMax(x: Float32Array, dy: Float32Array, dx: Float32Array, pool: PoolInfo): void {
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = pool;
  const pairs = filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2;
  if (pairs && padInfo.top === 0 && padInfo.left === 0 && pool.outHeight * 2 <= pool.inHeight && pool.outWidth * 2 <= pool.inWidth) {
    routeTwoByTwo(x, dy, dx, pool);
    return;
  }
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = pool;
  const rowLength = inWidth * c;
  let dyAt = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      const [rowStart, rowEnd] = [Math.max(top, 0), Math.min(top + filterHeight, inHeight)];
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * strideWidth - padInfo.left;
        const [colStart, colEnd] = [Math.max(left, 0), Math.min(left + filterWidth, inWidth)];
        for (let ch = 0; ch < c; ch++, dyAt++) {
          let max = -Infinity;
          let at = -1;
          for (let r = rowStart; r < rowEnd; r++) {
            const end = (n * inHeight + r) * rowLength + colEnd * c + ch;
            for (let p = (n * inHeight + r) * rowLength + colStart * c + ch; p < end; p += c) {
              if (x[p]! > max) {
                max = x[p]!;
                at = p;
              }
            }
          }
          if (at >= 0) dx[at]! += dy[dyAt]!;
        }
      }
    }
  }
}

/**
 * The 2x2, stride-2 pooling of CNNs, unrolled, each window's dx written whole (zeros and its dy): ~1.7x faster than
 * the general loop here. Only the rows and columns that no window covers (odd sizes) need zeroing first.
 */
function routeTwoByTwo(x: Float32Array, dy: Float32Array, dx: Float32Array, pool: PoolInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = pool;
  if (outHeight * 2 < inHeight || outWidth * 2 < inWidth) dx.fill(0);
  const rowLength = inWidth * c;
  let dyAt = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = (n * inHeight + 2 * oh) * rowLength;
      for (let ow = 0; ow < outWidth; ow++) {
        for (let p0 = rowStart + 2 * ow * c, end = p0 + c; p0 < end; p0++, dyAt++) {
          const p1 = p0 + c;
          const p2 = p0 + rowLength;
          const p3 = p2 + c;
          let max = -Infinity;
          let at = -1;
          if (x[p0]! > max) (max = x[p0]!), (at = p0);
          if (x[p1]! > max) (max = x[p1]!), (at = p1);
          if (x[p2]! > max) (max = x[p2]!), (at = p2);
          if (x[p3]! > max) at = p3;
          dx[p0] = 0;
          dx[p1] = 0;
          dx[p2] = 0;
          dx[p3] = 0;
          if (at >= 0) dx[at] = dy[dyAt]!;
        }
      }
    }
  }
}
