import type { Conv2DBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, Conv2DBackpropInput } from './tfjs-core.js';
import { compose } from './kernel-composer.js';
import { fullCorrelationInput } from './full-correlation.js';

type Attrs = Conv2DBackpropInputAttrs & { dilations?: number | [number, number] };

/**
 * dx is a plain convolution of the full, zero-stuffed dy (see fullCorrelationInput) with the filter flipped in
 * space and with in/out channels swapped, so it runs on the backend's (XNNPACK) Conv2D.
 */
export function conv2dBackpropInput(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape, dilations } = attrs as unknown as Attrs;
    return compose(backend as KernelBackend, backendName, (k) => {
      const channelsFirst = dataFormat === 'NCHW';
      const [n, a, b, c] = inputShape;
      const shapeNHWC: [number, number, number, number] = channelsFirst ? [n, b, c, a] : [n, a, b, c];
      const conv = backend_util.computeConv2DInfo(
        shapeNHWC,
        filter.shape as [number, number, number, number],
        strides,
        dilations ?? 1,
        pad,
        dimRoundingMode,
      );
      const full = fullCorrelationInput(k, channelsFirst ? k.transpose(dy, [0, 2, 3, 1]) : dy, conv);
      const flipped = k.transpose(k.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
      const dx = k.run(
        'Conv2D',
        { x: full, filter: flipped },
        {
          strides: [1, 1],
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: [conv.dilationHeight, conv.dilationWidth],
          dimRoundingMode: undefined,
        },
      );
      return channelsFirst ? k.transpose(dx, [0, 3, 1, 2]) : dx;
    });
  };
  return { kernelName: Conv2DBackpropInput, backendName, kernelFunc: kernelFunc as KernelFunc };
}
