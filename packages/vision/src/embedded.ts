import { fileURLToPath } from 'node:url';
import { registerEmbeddedModel } from '@dlkit/core';

/** The models this package ships, so that `dl models list` and embedded names find them. */
registerEmbeddedModel({
  name: 'mobilenetv2',
  task: 'image-classification',
  dir: fileURLToPath(new URL('../models/mobilenetv2', import.meta.url)),
  package: '@dlkit/vision',
  description: 'MobileNetV2 int8, ImageNet-1k (1000 classes), ONNX',
});

/** A photo shipped with the package, for trying things out. */
export const SAMPLE_IMAGE = fileURLToPath(new URL('../samples/cat.jpg', import.meta.url));
