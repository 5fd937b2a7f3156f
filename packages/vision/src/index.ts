export { SAMPLE_IMAGE } from './embedded.js';
export {
  createClassifier,
  type Classifier,
  type ClassifierOptions,
  type ClassifyOptions,
  type Settled,
} from './classify/classifier.js';
export type { Classification } from './classify/postprocess.js';
export { decodeImage, DEFAULT_MAX_PIXELS, type DecodeOptions, type ImageInput, type RgbImage } from './image/decode.js';
