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

registerEmbeddedModel({
  name: 'digits',
  task: 'image-classification',
  dir: fileURLToPath(new URL('../models/digits', import.meta.url)),
  package: '@dlkit/vision',
  description: 'Handwritten digits 0-9 (MNIST-style CNN trained by dlkit), any image of one digit; tfjs',
});

registerEmbeddedModel({
  name: 'centernet',
  task: 'object-detection',
  dir: fileURLToPath(new URL('../models/centernet', import.meta.url)),
  package: '@dlkit/vision',
  description: 'CenterNet (MobileNetV3), COCO 80 classes, from @vladmandic/human; tfjs graph',
});

registerEmbeddedModel({
  name: 'darknet-tiny',
  task: 'image-features',
  dir: fileURLToPath(new URL('../models/darknet-tiny', import.meta.url)),
  package: '@dlkit/vision',
  description: 'Darknet Tiny ImageNet backbone (ml5.js): 512 features per image, for vision fine-tune; tfjs',
});

registerEmbeddedModel({
  name: 'face-api',
  task: 'face-analysis',
  dir: fileURLToPath(new URL('../models/face-api', import.meta.url)),
  package: '@dlkit/vision',
  description: 'face-api (@vladmandic/face-api): face boxes, 68 landmarks, age, gender, expression, 128-d descriptor',
});

registerEmbeddedModel({
  name: 'movenet-lightning',
  task: 'pose-estimation',
  dir: fileURLToPath(new URL('../models/movenet-lightning', import.meta.url)),
  package: '@dlkit/vision',
  description: 'MoveNet SinglePose Lightning (Google, via @vladmandic/human): 17 COCO body keypoints per person; tfjs graph',
});

/** A photo shipped with the package, for trying things out. */
export const SAMPLE_IMAGE = fileURLToPath(new URL('../samples/cat.jpg', import.meta.url));
