import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, DepthwiseConv2dNativeBackpropFilter } from './tfjs-core.js';
import { compose } from './kernel-composer.js';
import { filterTaps } from './filter-taps.js';

/**
 * dW[kh, kw, c, m] = sum over (n, oh, ow) of patch(kh, kw)[n, oh, ow, c] * dy[n, oh, ow, c*M + m]: per channel c,
 * a [taps x rows] by [rows x M] product, so the whole gradient is one BatchMatMul batched over channels.
 */
export function depthwiseBackpropFilter(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, filterShape } =
      attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    return compose(backend as KernelBackend, backendName, (k) => {
      const conv = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        dilations,
        pad,
        dimRoundingMode,
        true,
      );
      const [filterHeight, filterWidth, channels, multiplier] = filterShape;
      const rows = conv.batchSize * conv.outHeight * conv.outWidth;
      const taps = filterTaps(k, x, conv).map((t) => k.reshape(t, [rows, 1, channels]));
      const stacked = taps.length === 1 ? taps[0]! : k.run('Concat', taps, { axis: 1 });
      const product = k.run(
        'BatchMatMul',
        {
          a: k.transpose(stacked, [2, 1, 0]),
          b: k.transpose(k.reshape(dy, [rows, channels, multiplier]), [1, 0, 2]),
        },
        { transposeA: false, transposeB: false },
      );
      return k.transpose(k.reshape(product, [channels, filterHeight, filterWidth, multiplier]), [1, 2, 0, 3]);
    });
  };
  return { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName, kernelFunc: kernelFunc as KernelFunc };
}
