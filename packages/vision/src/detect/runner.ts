import {
  DlError,
  isTransformersFolder,
  loadGraphModel,
  loadLabels,
  loadLocalModel,
  oneAtATime,
  parseModelReference,
  refuseHubOnlyOptions,
  selectTfjsBackend,
  type TaskRunner,
  type Tf,
} from '@dlkit/core';
import type { z } from 'zod';
// The embedded models are registered before a name is looked up, however this module was reached.
import '../embedded.js';
import type { Sharp } from 'sharp';
import { decodeError, decodeOptions, openUpright, type ImageInput } from '../image/decode.js';
import { inputError } from '../input-error.js';
import type { detectionCallOptions, detectionLoadOptions } from '../tasks.js';
import { resolveClasses } from './options.js';
import { decodeDetections, type Detection } from './postprocess.js';
import { detectTiled } from './tiled.js';
import { tileSide } from './tiles.js';

type Tensor = ReturnType<Tf['tensor']>;
type GraphModel = Awaited<ReturnType<typeof loadGraphModel>>;

export type DetectionLoadOptions = z.infer<typeof detectionLoadOptions>;
export type DetectionCallOptions = z.infer<typeof detectionCallOptions>;
export type DetectorRunner = TaskRunner<ImageInput, Detection[], DetectionCallOptions>;

export interface InputSpec {
  width: number;
  height: number;
  output: string;
}

function inputSpec(input: unknown, name: string): InputSpec {
  const spec = input as { width?: unknown; height?: unknown; output?: unknown } | undefined;
  if (typeof spec?.width !== 'number' || typeof spec.height !== 'number' || typeof spec.output !== 'string') {
    throw new DlError('MODEL_INVALID', `Model ${name}: the detector needs input.width, input.height and input.output`);
  }
  return { width: spec.width, height: spec.height, output: spec.output };
}

/** A call's options with `classes` in the model's own spelling (checked before any image is read). */
export function withResolvedClasses(options: DetectionCallOptions, labels: readonly string[]): DetectionCallOptions {
  return options.classes === undefined ? options : { ...options, classes: resolveClasses(options.classes, labels) };
}

/**
 * The object-detection runner for `model`: the embedded CenterNet (COCO, 80 classes) on the fastest tfjs
 * backend, a model folder with a dlkit.json, or a transformers.js hub id / folder (DETR, YOLOS).
 */
export async function loadDetectorRunner(model: string, options: DetectionLoadOptions): Promise<DetectorRunner> {
  const reference = parseModelReference(model);
  if (reference.kind === 'hub' || isTransformersFolder(reference)) {
    const { loadHubDetectorRunner } = await import('./hub-detector.js');
    return loadHubDetectorRunner(reference, options);
  }
  refuseHubOnlyOptions(options, model);
  const loaded = await loadLocalModel(reference, 'object-detection');
  const name = loaded.manifest.name;
  const spec = inputSpec(loaded.manifest.input, name);
  const labels = await loadLabels(loaded, undefined);
  const { tf, backend } = await selectTfjsBackend();
  const graph = await loadGraphModel(loaded);
  const decode = decodeOptions(options);
  const detectOne = async (input: ImageInput, call: DetectionCallOptions): Promise<Detection[]> => {
    const { image, width, height } = await openUpright(input, decode).catch((error: unknown) => Promise.reject(inputError(error)));
    const side = tileSide(call.tiles, width, height, Math.min(spec.width, spec.height));
    const unreadable = (error: unknown) => Promise.reject(decodeError(input, error, decode.maxPixels));
    const model = (pixels: Buffer) => execute(tf, graph, pixels, spec);
    if (side !== undefined) return detectTiled({ image, width, height, side, unreadable }, spec, model, labels, call);
    const pixels = await inputPixels(image, spec).catch(unreadable);
    return decodeDetections(await model(pixels), { inputWidth: spec.width, inputHeight: spec.height, width, height }, labels, call);
  };
  const detectEach = oneAtATime(detectOne, name);
  return {
    model: name,
    device: backend,
    // A bad class name is the caller's mistake, not one image's: it throws before any image is read.
    run: (images, call) => detectEach(images, withResolvedClasses(call, labels)),
    async dispose() {
      graph.dispose();
    },
  };
}

/** Pre-processing: the whole upright image stretched to the model's square input (as the CenterNet was trained). */
function inputPixels(image: Sharp, spec: InputSpec): Promise<Buffer> {
  return image.resize({ width: spec.width, height: spec.height, fit: 'fill' }).removeAlpha().raw().toBuffer();
}

/** The model call: CenterNet's rows `[x1, y1, x2, y2, score, class]`, its tensors freed. */
async function execute(tf: Tf, graph: GraphModel, pixels: Buffer, spec: InputSpec): Promise<Float32Array> {
  const output = tf.tidy(() => graph.execute(tf.tensor4d(Float32Array.from(pixels), [1, spec.height, spec.width, 3]), spec.output) as Tensor);
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}
