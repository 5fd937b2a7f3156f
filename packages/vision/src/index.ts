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
export { imageFolderDataset, IMAGE_EXTENSIONS, type ImageFolderOptions } from './image/folder-dataset.js';
export { loadDigit } from './classify/digit.js';
export { trainDigits, loadDigitsData, DIGITS_RECIPE, type TrainDigitsOptions } from './digits/train-digits.js';
export { createDetector, type Detector, type DetectorOptions, type DetectionResult } from './detect/detector.js';
export type { Detection, DetectOptions } from './detect/postprocess.js';
export { resolveClasses } from './detect/options.js';
export { drawDetections } from './image/draw.js';
export { fineTune, type FineTuneOptions } from './fine-tune/fine-tune.js';
export { createFaceAnalyzer, DEFAULT_MIN_CONFIDENCE as DEFAULT_FACE_MIN_CONFIDENCE, type Face, type FaceAnalyzer, type FaceAnalyzerOptions, type FaceMatch, type FacesInImage } from './faces/faces.js';
export { drawFaces } from './faces/draw-faces.js';
