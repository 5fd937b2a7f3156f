import { DlError, isTransformersFolder, loadGraphModel, loadLabels, loadLocalModel, parseModelReference, selectTfjsBackend, type Tf } from '@dlkit/core';
import { asDlError, firstOrThrow, type Settled } from '../settled.js';
import { decodeError, openUpright, type DecodeOptions, type ImageInput, type RgbImage } from '../image/decode.js';
import { checkDetectOptions } from './options.js';
import { decodeDetections, type Detection, type DetectOptions } from './postprocess.js';

type Tensor = ReturnType<Tf['tensor']>;

export interface DetectorOptions extends DecodeOptions {
  /** Embedded name (default `centernet`), a model folder with a dlkit.json, or a transformers.js hub id / folder (DETR, YOLOS). */
  model?: string;
}

export interface DetectionResult {
  detections: Detection[];
  /** Size of the upright image, the frame of the boxes. */
  width: number;
  height: number;
  /** The decoded, upright image, for drawing: only when asked for with `keepImage`. */
  image?: RgbImage;
}

export interface Detector {
  readonly model: string;
  /** The tfjs backend it runs on. */
  readonly backend: string;
  /** The labels the model can give, in its order (empty when a hub model does not list them). */
  readonly labels: readonly string[];
  /** `classes` are matched case-insensitively; an unknown one is `INVALID_ARGUMENT` naming the nearest label. */
  detect(image: ImageInput, options?: DetectOptions): Promise<Detection[]>;
  /** Each image on its own; a bad image fails alone. `keepImage` also returns the decoded image, for drawing. */
  detectEach(images: ImageInput[], options?: DetectOptions & { keepImage?: boolean }): Promise<Array<Settled<DetectionResult>>>;
  dispose(): Promise<void>;
}

const inputSpec = (input: unknown, name: string) => {
  const spec = input as { width?: unknown; height?: unknown; output?: unknown } | undefined;
  if (typeof spec?.width !== 'number' || typeof spec.height !== 'number' || typeof spec.output !== 'string') {
    throw new DlError('MODEL_INVALID', `Model ${name}: the detector needs input.width, input.height and input.output`);
  }
  return { width: spec.width, height: spec.height, output: spec.output };
};

/** Creates an object detector: the embedded CenterNet (COCO, 80 classes) on the fastest tfjs backend. */
export async function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  const reference = parseModelReference(options.model ?? 'centernet');
  if (reference.kind === 'hub' || isTransformersFolder(reference)) {
    const { createHubDetector } = await import('./hub-detector.js');
    return createHubDetector(reference, options);
  }
  const loaded = await loadLocalModel(reference, 'object-detection');
  const { manifest, paths } = loaded;
  const spec = inputSpec(manifest.input, manifest.name);
  const labels = await loadLabels(loaded, undefined);
  const { tf, backend } = await selectTfjsBackend();
  const model = await loadGraphModel(loaded);
  let disposed = false;

  const run = async (input: ImageInput, opts: DetectOptions & { keepImage?: boolean }): Promise<DetectionResult> => {
    const { image, width, height } = await openUpright(input, options);
    let pixels: Buffer;
    let full: RgbImage | undefined;
    try {
      // One decode feeds both: the whole image stretched to the model's square input (as the CenterNet was
      // trained), and the full image when it is to be drawn on.
      [pixels, full] = await Promise.all([
        image.clone().resize({ width: spec.width, height: spec.height, fit: 'fill' }).removeAlpha().raw().toBuffer(),
        opts.keepImage ? image.clone().removeAlpha().raw().toBuffer().then((data) => ({ data, width, height })) : undefined,
      ]);
    } catch (error) {
      throw decodeError(input, error, options.maxPixels);
    }
    const output = tf.tidy(() => model.execute(tf.tensor4d(Float32Array.from(pixels), [1, spec.height, spec.width, 3]), spec.output) as Tensor);
    try {
      const rows = await output.data();
      const detections = decodeDetections(rows, { inputWidth: spec.width, inputHeight: spec.height, width, height }, labels, opts);
      return { detections, width, height, ...(full ? { image: full } : {}) };
    } finally {
      output.dispose();
    }
  };

  const detectEach = async (images: ImageInput[], given: DetectOptions & { keepImage?: boolean } = {}): Promise<Array<Settled<DetectionResult>>> => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This detector has been disposed');
    // A bad option is the caller's mistake, not one image's: it throws before any image is read.
    const opts = checkDetectOptions(given, labels);
    const results: Array<Settled<DetectionResult>> = [];
    for (const input of images) {
      try {
        results.push({ ok: true, value: await run(input, opts) });
      } catch (error) {
        results.push({ ok: false, error: asDlError(error) });
      }
    }
    return results;
  };

  return {
    model: manifest.name,
    backend,
    labels,
    detectEach,
    detect: async (image, opts) => firstOrThrow(await detectEach([image], opts)).detections,
    async dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
