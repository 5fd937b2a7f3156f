import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelComposer } from './kernel-composer.js';

/**
 * Zero-pads (or crops) x [N, H, W, C] to exactly the rows and columns that the filter windows reach:
 * (outH - 1) * strideH + (filterH - 1) * dilationH + 1 rows from -padTop on. With a numeric pad and a rounded
 * output size, that reach differs from padInfo's bottom/right.
 */
export function padToWindowReach(k: KernelComposer, x: TensorInfo, conv: backend_util.Conv2DInfo): TensorInfo {
  const { padInfo } = conv;
  const reachHeight = (conv.outHeight - 1) * conv.strideHeight + (conv.filterHeight - 1) * conv.dilationHeight + 1;
  const reachWidth = (conv.outWidth - 1) * conv.strideWidth + (conv.filterWidth - 1) * conv.dilationWidth + 1;
  return k.padOrCrop(x, [
    [0, 0],
    [padInfo.top, reachHeight - padInfo.top - conv.inHeight],
    [padInfo.left, reachWidth - padInfo.left - conv.inWidth],
    [0, 0],
  ]);
}

/**
 * For each filter tap (kh, kw), in row-major tap order, the [N, outH, outW, C] window of the input that the tap
 * multiplies: x[n, oh*strideH + kh*dilationH - padTop, ow*strideW + kw*dilationW - padLeft, c]. Stacked, these
 * are the im2col matrix that turns a filter gradient into matrix products.
 */
export function filterTaps(k: KernelComposer, x: TensorInfo, conv: backend_util.Conv2DInfo): TensorInfo[] {
  const { batchSize, inChannels, outHeight, outWidth } = conv;
  const padded = padToWindowReach(k, x, conv);
  const taps: TensorInfo[] = [];
  for (let kh = 0; kh < conv.filterHeight; kh++) {
    for (let kw = 0; kw < conv.filterWidth; kw++) {
      const top = kh * conv.dilationHeight;
      const left = kw * conv.dilationWidth;
      const size = [batchSize, outHeight, outWidth, inChannels];
      // The wasm StridedSlice is a generic loop ~15x slower than Slice: use it only where a stride needs it.
      taps.push(
        conv.strideHeight === 1 && conv.strideWidth === 1
          ? k.run('Slice', { x: padded }, { begin: [0, top, left, 0], size })
          : k.run(
              'StridedSlice',
              { x: padded },
              {
                begin: [0, top, left, 0],
                end: [batchSize, top + (outHeight - 1) * conv.strideHeight + 1, left + (outWidth - 1) * conv.strideWidth + 1, inChannels],
                strides: [1, conv.strideHeight, conv.strideWidth, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            ),
      );
    }
  }
  return taps;
}
