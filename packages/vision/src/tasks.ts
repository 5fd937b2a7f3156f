// The vision tasks as one table: the pipeline factory, the CLI, `dl batch` and the demo all read it. Kept light
// (zod and the contract only): each row's load() imports its implementation, so reading the table (for commands
// and --help) loads no model runtime.
import { z } from 'zod';
import { defineTask, HUB_LOAD_OPTIONS, INPUT_SOURCE_OPTIONS, type TaskRunner } from '@dlkit/core/pipeline';
import type { Classification } from './classify/postprocess.js';
import type { Detection } from './detect/postprocess.js';
import type { Face } from './faces/faces.js';
import type { ImageInput } from './image/decode.js';

const maxPixels = z.number().int().min(1).optional().describe('refuse images with more pixels than this (default 100,000,000)');

export const classificationLoadOptions = z.strictObject({
  maxPixels,
  threads: z.number().int().min(1).max(256).optional().describe('onnxruntime threads per operator'),
  batchSize: z.number().int().min(1).max(256).optional().describe('images per model run (default 8)'),
  ...HUB_LOAD_OPTIONS,
  ...INPUT_SOURCE_OPTIONS,
});

export const classificationCallOptions = z.strictObject({
  topK: z.number().int().min(1).max(1000).optional().describe('how many labels to return per image (default 5)'),
});

export const detectionLoadOptions = z.strictObject({ maxPixels, ...HUB_LOAD_OPTIONS, ...INPUT_SOURCE_OPTIONS });

export const detectionCallOptions = z.strictObject({
  threshold: z.number().min(0).max(1).optional().describe('lowest score kept (default 0.3)'),
  iou: z.number().min(0).max(1).optional().describe('overlap (IoU) above which the weaker box of a label is dropped (default 0.5)'),
  classes: z.array(z.string()).min(1).readonly().optional().describe("keep only these labels (case-insensitive, e.g. ['person', 'dog'])"),
  agnostic: z.boolean().optional().describe('suppress overlapping boxes across labels too (default false)'),
  maxDetections: z.number().int().min(1).max(10_000).optional().describe('at most this many per image, best first (default 100)'),
});

export const faceLoadOptions = z.strictObject({
  maxPixels,
  rejectAnimals: z.boolean().optional().describe('drop faces the embedded ImageNet classifier calls an animal (default true)'),
  ...INPUT_SOURCE_OPTIONS,
});

export const faceCallOptions = z.strictObject({
  threshold: z.number().min(0).max(1).optional().describe('lowest face detection score kept (default 0.5)'),
});

/** Extensions of the formats sharp decodes: what a folder or glob of images expands to (here: the CLI reads it). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif', '.svg'];

type Runner<Out, Call extends z.ZodObject> = Promise<TaskRunner<ImageInput, Out, z.infer<Call>>>;

export const TASKS = [
  defineTask({
    task: 'image-classification',
    aliases: ['classify'],
    domain: 'vision',
    summary: 'Label an image: ImageNet-1k (embedded MobileNetV2), handwritten digits, your own model or a hub model',
    defaultModel: 'mobilenetv2',
    offline: true,
    input: 'image',
    output: '[{label, score}]',
    loadOptions: classificationLoadOptions,
    callOptions: classificationCallOptions,
    async load(model, options): Runner<Classification[], typeof classificationCallOptions> {
      const { loadClassifierRunner } = await import('./classify/runner.js');
      return loadClassifierRunner(model, options);
    },
  }),
  defineTask({
    task: 'object-detection',
    aliases: ['detect'],
    domain: 'vision',
    summary: 'Find and box objects: COCO 80 classes (embedded CenterNet), or a hub model (DETR, YOLOS)',
    defaultModel: 'centernet',
    offline: true,
    input: 'image',
    output: '[{label, score, box}]',
    loadOptions: detectionLoadOptions,
    callOptions: detectionCallOptions,
    async load(model, options): Runner<Detection[], typeof detectionCallOptions> {
      const { loadDetectorRunner } = await import('./detect/runner.js');
      return loadDetectorRunner(model, options);
    },
  }),
  defineTask({
    task: 'face-analysis',
    aliases: ['faces'],
    domain: 'vision',
    summary: 'Find faces with landmarks, age, gender, expression and a descriptor for matching (embedded face-api)',
    defaultModel: 'face-api',
    offline: true,
    input: 'image',
    output: 'Face[] ({score, box, landmarks, age, gender, genderScore, expression, expressions, descriptor})',
    loadOptions: faceLoadOptions,
    callOptions: faceCallOptions,
    async load(model, options): Runner<Face[], typeof faceCallOptions> {
      const { loadFaceRunner } = await import('./faces/runner.js');
      return loadFaceRunner(model, options);
    },
  }),
];
