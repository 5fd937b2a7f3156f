import { tfjsPackage } from '../tfjs.js';

// The kernels' tfjs-core values, by require (tfjs.ts says why): an `import` of '@tensorflow/tfjs-core' would make
// Node scan its 1.2 MB CommonJS bundle for export names once more, the largest single cost of a tfjs command's
// start (~0.7 s of a busy machine's `dl nlp sentiment`). The same module instance; types still come from the package.
export const {
  backend_util,
  BatchMatMul,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  getKernel,
  MaxPoolGrad,
  registerKernel,
  Sum,
  UnsortedSegmentSum,
  unregisterKernel,
  util,
} = tfjsPackage('@tensorflow/tfjs-core');
