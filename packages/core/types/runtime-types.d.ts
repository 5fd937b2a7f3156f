// This repository's packages are written against the runtime libraries' own types; what they publish names
// ours (src/runtime-types.ts). Not shipped: tsconfig.base.json adds this file to every package's compilation.
interface DlkitRuntimeTypes {
  Tf: typeof import('@tensorflow/tfjs-core');
  TfTensor: import('@tensorflow/tfjs-core').Tensor;
  TfVariable: import('@tensorflow/tfjs-core').Variable;
  LayersModel: import('@tensorflow/tfjs-layers').LayersModel;
  TfjsLayers: typeof import('@tensorflow/tfjs-layers');
  GraphModel: import('@tensorflow/tfjs-converter').GraphModel;
  Ort: typeof import('onnxruntime-node');
  InferenceSession: import('onnxruntime-node').InferenceSession;
  Transformers: typeof import('@huggingface/transformers');
}
