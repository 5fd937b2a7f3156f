import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelComposer } from './kernel-composer.js';

/**
 * The input gradient of a convolution is a stride-1 correlation of dy with the spatially flipped filter, once dy
 * is zero-stuffed by the stride and padded to "full": dx[i] = sum over kh' of
 * stuffed[i + padTop - (FH-1)*dilation + kh'*dilation] * w[FH-1-kh']. Returns that stuffed, padded dy (NHWC), on
 * which a 'valid' correlation with the filter's dilations yields exactly the input's height and width.
 */
export function fullCorrelationInput(k: KernelComposer, dy: TensorInfo, conv: backend_util.Conv2DInfo): TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = conv;
  const stuffed = zeroStuff(k, dy, sh, sw);
  const before = (conv.filterHeight - 1) * conv.dilationHeight - conv.padInfo.top;
  const left = (conv.filterWidth - 1) * conv.dilationWidth - conv.padInfo.left;
  // The trailing zeros of the last stuffed row/column are cropped or kept as the full extent requires.
  return k.padOrCrop(stuffed, [
    [0, 0],
    [before, inHeight + conv.padInfo.top - outHeight * sh],
    [left, inWidth + conv.padInfo.left - outWidth * sw],
    [0, 0],
  ]);
}

/**
 * [N, H, W, C] -> [N, H*sh, W*sw, C] with each value followed by sh-1 zero rows and sw-1 zero columns: the
 * layout of a strided output in the coordinates of the input it was read from.
 */
function zeroStuff(k: KernelComposer, x: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const spread = k.padOrCrop(k.reshape(x, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return k.reshape(spread, [n, h * sh, w * sw, c]);
}
