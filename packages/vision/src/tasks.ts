// The vision tasks as one table: the pipeline factory, the CLI, `dl batch` and the demo all read it. Kept light
// (zod and the contract only): each row's load() imports its implementation, so reading the table (for commands
// and --help) loads no model runtime.
import { z } from 'zod';
import { defineTask, HUB_LOAD_OPTIONS, INPUT_SOURCE_OPTIONS, type TaskRunner } from '@dlkit/core/pipeline';
import type { Classification } from './classify/postprocess.js';
import type { Detection } from './detect/postprocess.js';
import type { Face } from './faces/faces.js';
import type { Pose } from './pose/keypoints.js';
import type { ImageInput } from './image/decode.js';
import type { OcrResult } from './ocr/postprocess.js';

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

/** A command line gives text (`--tiles auto`, `--tiles 768`, `--tiles true`): read as the value it spells. */
const tilesText = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return /^[0-9]{1,5}$/.test(v) ? Number(v) : v;
};

const tiles = z
  .preprocess(tilesText, z.union([z.literal('auto'), z.boolean(), z.number().int().min(128).max(16_384)]))
  .optional()
  .describe("sliced inference for big photos: 'auto' (tile when the shorter side is over 2.5 model inputs), true, false (default) or a tile side in px; tiles overlap 20%, at most 64, plus a whole-image pass");

export const detectionLoadOptions = z.strictObject({ maxPixels, ...HUB_LOAD_OPTIONS, ...INPUT_SOURCE_OPTIONS });

export const detectionCallOptions = z.strictObject({
  threshold: z.number().min(0).max(1).optional().describe('lowest score kept (default 0.3)'),
  iou: z.number().min(0).max(1).optional().describe('overlap (IoU) above which the weaker box of a label is dropped (default 0.5)'),
  classes: z.array(z.string()).min(1).readonly().optional().describe("keep only these labels (case-insensitive, e.g. ['person', 'dog'])"),
  agnostic: z.boolean().optional().describe('suppress overlapping boxes across labels too (default false)'),
  maxDetections: z.number().int().min(1).max(10_000).optional().describe('at most this many per image, best first (default 100)'),
  tiles,
});

export const faceLoadOptions = z.strictObject({
  maxPixels,
  rejectAnimals: z.boolean().optional().describe('drop faces the embedded ImageNet classifier calls an animal (default true)'),
  ...INPUT_SOURCE_OPTIONS,
});

export const faceCallOptions = z.strictObject({
  threshold: z.number().min(0).max(1).optional().describe('lowest face detection score kept (default 0.5)'),
});

export const poseLoadOptions = z.strictObject({ maxPixels, ...INPUT_SOURCE_OPTIONS });

export const poseCallOptions = z.strictObject({
  threshold: z.number().min(0).max(1).optional().describe('lowest mean keypoint score of a person kept (default 0.2)'),
  maxPeople: z.number().int().min(1).max(100).optional().describe('at most this many people per image, best first (default 10; each is one model call)'),
  tiles,
});

export const OCR_LAYOUTS = ['auto', 'block', 'line', 'word', 'sparse'] as const;

export const ocrLoadOptions = z.strictObject({
  maxPixels,
  languages: z
    .array(z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'a Tesseract language code such as eng, fra or chi_sim'))
    .min(1)
    .max(8)
    .readonly()
    .optional()
    .describe("Tesseract language codes, read together (default eng): each from the langPath folder when one is given, else from its installed @tesseract.js-data/<code> package"),
  langPath: z.string().min(1).max(4096).optional().describe('a local folder of <code>.traineddata(.gz) files for every language (never a URL: nothing is fetched)'),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional().describe('give up on an image after this long (default 60,000); the OCR worker is restarted'),
  ...INPUT_SOURCE_OPTIONS,
});

export const ocrCallOptions = z.strictObject({
  layout: z.enum(OCR_LAYOUTS).optional().describe("how the page is laid out: auto (columns, blocks: default), block (one block of text), line, word, sparse (scattered text: signs, labels)"),
  minConfidence: z.number().min(0).max(1).optional().describe('lowest mean word confidence of a line kept, 0-1 (default 0.5): the guesses on an image without text score under it'),
  autoRotate: z.boolean().optional().describe('when the upright reading is poor, try the page turned 90, 180 and 270 degrees and keep the best (default true)'),
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
    examples: [
      { command: 'dl vision classify cat.jpg --top-k 3', comment: 'the three likeliest ImageNet labels (embedded MobileNetV2, offline)' },
      { command: 'dl vision classify photos/ --json', comment: 'every image of a folder, one {"input", "output"} line each' },
      { command: 'dl vision classify digit.png --model digits', comment: 'a handwritten digit, by the embedded digits CNN' },
    ],
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
    examples: [
      { command: 'dl vision detect street.jpg --out annotated.jpg', comment: 'COCO objects, boxes drawn with labels' },
      { command: 'dl vision detect photos/ --classes person,dog --threshold 0.4 --out annotated/', comment: 'only people and dogs, a drawn copy of each image' },
    ],
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
    examples: [
      { command: 'dl vision faces team.jpg --out faces.jpg', comment: 'boxes, landmarks, age, gender and expression, drawn' },
      { command: 'dl vision faces visitor.jpg --match badge.jpg', comment: 'whether the visitor is the person on the badge' },
    ],
    input: 'image',
    output: 'Face[] ({score, box, landmarks, age, gender, genderScore, expression, expressions, descriptor})',
    loadOptions: faceLoadOptions,
    callOptions: faceCallOptions,
    async load(model, options): Runner<Face[], typeof faceCallOptions> {
      const { loadFaceRunner } = await import('./faces/runner.js');
      return loadFaceRunner(model, options);
    },
  }),
  defineTask({
    task: 'pose-estimation',
    aliases: ['pose'],
    domain: 'vision',
    summary: 'Find people and their 17 body keypoints (embedded MoveNet Lightning on CenterNet person boxes)',
    defaultModel: 'movenet-lightning',
    offline: true,
    modelNote: 'the embedded MoveNet SinglePose Lightning, works offline, run on each person box of the embedded CenterNet detector',
    examples: [
      { command: 'dl vision pose people.jpg --out skeletons.jpg', comment: "each person's 17 body keypoints, skeleton drawn" },
      { command: 'dl vision pose photos/ --max-people 2 --json', comment: 'the two most certain people of each image, as JSON lines' },
    ],
    input: 'image',
    output: '[{score, box, keypoints: [{name, x, y, score}]}]',
    loadOptions: poseLoadOptions,
    callOptions: poseCallOptions,
    async load(model, options): Runner<Pose[], typeof poseCallOptions> {
      const { loadPoseRunner } = await import('./pose/runner.js');
      return loadPoseRunner(model, options);
    },
  }),
  defineTask({
    task: 'image-to-text',
    aliases: ['ocr'],
    domain: 'vision',
    summary: 'Read printed text (OCR): lines and words with boxes and confidences, page orientation (Tesseract LSTM, wasm; optional peers: see dl doctor)',
    defaultModel: 'tesseract-eng',
    offline: true,
    modelNote: 'the one OCR model, Tesseract LSTM, wasm and offline, on optional peers: npm install tesseract.js@7.0.0 @tesseract.js-data/eng@1.0.0; other languages by --languages, from @tesseract.js-data/<code> packages or --lang-path DIR',
    examples: [
      { command: 'dl vision ocr scan.png', comment: "the page's text, line by line" },
      { command: 'dl vision ocr scan.png --out boxed.png', comment: 'the scan with each line of text boxed' },
      { command: 'dl vision ocr letters/ --languages deu,eng --lang-path tessdata/ --json', comment: 'German and English, from local deu/eng.traineddata files' },
    ],
    input: 'image',
    output: '{text, lines: [{text, confidence, box, words: [{text, confidence, box}]}], orientation: {degrees, confidence}}',
    loadOptions: ocrLoadOptions,
    callOptions: ocrCallOptions,
    async load(model, options): Runner<OcrResult, typeof ocrCallOptions> {
      const { loadOcrRunner } = await import('./ocr/runner.js');
      return loadOcrRunner(model, options);
    },
  }),
];
