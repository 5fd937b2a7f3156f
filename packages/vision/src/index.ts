import { registerVisionDatasets } from './datasets/loaders.js';

// Training configs read image folders and MNIST digits once vision is imported (core holds no image knowledge).
registerVisionDatasets();

export { embeddedModelRequirements, SAMPLE_IMAGE, type ModelPeer, type ModelRequirements } from './embedded.js';
export { pipeline, TASKS, type FaceAnalysisPipeline, type ImageClassificationPipeline, type ObjectDetectionPipeline, type ImageToTextPipeline, type PoseEstimationPipeline } from './pipeline.js';
export type { OcrLine, OcrResult, OcrWord } from './ocr/postprocess.js';
export type { ClassificationCallOptions, ClassificationLoadOptions } from './classify/runner.js';
export type { DetectionCallOptions, DetectionLoadOptions } from './detect/runner.js';
export type { FaceCallOptions, FaceLoadOptions } from './faces/runner.js';
export type { Classification } from './classify/postprocess.js';
export { decodeImage, DEFAULT_MAX_PIXELS, type DecodeOptions, type ImageInput, type RgbImage } from './image/decode.js';
export { imageFolderDataset, IMAGE_EXTENSIONS, type ImageFolderOptions } from './datasets/image-folder.js';
export { fromClassFolders, type ClassFoldersOptions } from './datasets/class-folders.js';
export { fromDigitsJson, fromMnistIdx } from './datasets/mnist.js';
export { randomAffine, type AffineOptions } from './datasets/image-affine.js';
export { VISION_INPUT_KINDS, type DigitsInputSpec, type ImageInputSpec, type VisionInputKind } from './datasets/input-kinds.js';
export { loadDigit } from './classify/digit.js';
export { trainDigits, loadDigitsData, DIGITS_RECIPE, type TrainDigitsOptions } from './digits/train-digits.js';
export { trainFashion, loadFashionData, FASHION_CLASSES, FASHION_RECIPE, type TrainFashionOptions } from './digits/train-fashion.js';
export type { Detection } from './detect/postprocess.js';
export { resolveClasses } from './detect/options.js';
export { drawDetections } from './image/draw.js';
export { drawAnswer, drawPoses, drawText, type DrawFormat } from './image/draw-answer.js';
export { KEYPOINT_NAMES, SKELETON, type Keypoint, type KeypointName, type Pose } from './pose/keypoints.js';
export type { PoseCallOptions, PoseLoadOptions } from './pose/runner.js';
export { confusionMatrixPng, confusionMatrixSvg } from './report/confusion-matrix.js';
export { curvesPng, curvesSvg } from './report/curves.js';
export { svgToPng } from './report/svg.js';
export { fineTune, type FineTuneOptions } from './fine-tune/fine-tune.js';
export { compareFaces, DEFAULT_MIN_CONFIDENCE as DEFAULT_FACE_MIN_CONFIDENCE, FACE_MATCH_THRESHOLD, type Face, type FaceMatch } from './faces/faces.js';
export { drawFaces } from './faces/draw-faces.js';
