import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, DepthwiseConv2dNativeBackpropInput } from './tfjs-core.js';
import { compose } from './kernel-composer.js';
import { fullCorrelationInput } from './full-correlation.js';

/**
 * dx is a depthwise correlation of the full, zero-stuffed dy with the flipped filter (see fullCorrelationInput).
 * With a channel multiplier M, each of the C*M dy channels is correlated with its own filter slice and the M
 * results of a channel are summed.
 */
export function depthwiseBackpropInput(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, inputShape } =
      attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    return compose(backend as KernelBackend, backendName, (k) => {
      const conv = backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        dilations,
        pad,
        dimRoundingMode,
        true,
      );
      const [batch, height, width, channels] = inputShape;
      const [filterHeight, filterWidth, , multiplier] = filter.shape as [number, number, number, number];
      const full = fullCorrelationInput(k, dy, conv);
      const flipped = k.reshape(k.run('Reverse', { x: filter }, { dims: [0, 1] }), [
        filterHeight,
        filterWidth,
        conv.outChannels,
        1,
      ]);
      const perOutputChannel = k.run(
        'DepthwiseConv2dNative',
        { x: full, filter: flipped },
        {
          strides: [1, 1],
          pad: 'valid',
          dilations: [conv.dilationHeight, conv.dilationWidth],
          dimRoundingMode: undefined,
          dataFormat: 'NHWC',
        },
      );
      if (multiplier === 1) return perOutputChannel;
      return k.run(
        'Sum',
        { x: k.reshape(perOutputChannel, [batch, height, width, channels, multiplier]) },
        { axis: [4], keepDims: false },
      );
    });
  };
  return { kernelName: DepthwiseConv2dNativeBackpropInput, backendName, kernelFunc: kernelFunc as KernelFunc };
}
