import { pipelineFactory, type PipelineOf } from '@dlkit/core/pipeline';
import { TASKS } from './tasks.js';

/** `pipeline(task, model?, options?)` for the vision tasks, transformers.js's shape (see `TASKS`). */
export const pipeline = pipelineFactory(TASKS);
export { TASKS };

type Row<K extends string> = Extract<(typeof TASKS)[number], { task: K }>;
/** What `pipeline('image-classification')` gives: called on an image, `[{label, score}]` best first. */
export type ImageClassificationPipeline = PipelineOf<Row<'image-classification'>>;
/** What `pipeline('object-detection')` gives: called on an image, `[{label, score, box}]` in its pixels. */
export type ObjectDetectionPipeline = PipelineOf<Row<'object-detection'>>;
/** What `pipeline('face-analysis')` gives: called on an image, its `Face[]`. */
export type FaceAnalysisPipeline = PipelineOf<Row<'face-analysis'>>;
/** What `pipeline('pose-estimation')` gives: called on an image, `[{score, box, keypoints}]` in its pixels. */
export type PoseEstimationPipeline = PipelineOf<Row<'pose-estimation'>>;
/** What `pipeline('image-to-text')` gives: called on an image, `{text, lines, orientation}` (OCR), boxes in its pixels. */
export type ImageToTextPipeline = PipelineOf<Row<'image-to-text'>>;
