import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { DlError, loadGraphModel, loadLocalModel, parseModelReference, selectTfjsBackend, type Tf } from '@dlkit/core';
import type { Settled } from '../classify/classifier.js';
import { decodeImage, type DecodeOptions, type ImageInput, type RgbImage } from '../image/decode.js';
import { decodeDetections, type Detection, type DetectOptions } from './postprocess.js';

type Tensor = ReturnType<Tf['tensor']>;

export interface DetectorOptions extends DecodeOptions {
  /** Embedded name (default `centernet`) or a model folder with a dlkit.json. */
  model?: string;
}

export interface DetectionResult {
  detections: Detection[];
  /** The decoded, upright image, for drawing. */
  image: RgbImage;
}

export interface Detector {
  readonly model: string;
  /** The tfjs backend it runs on. */
  readonly backend: string;
  detect(image: ImageInput, options?: DetectOptions): Promise<Detection[]>;
  /** Each image on its own; a bad image fails alone. Results keep the decoded image for drawing. */
  detectEach(images: ImageInput[], options?: DetectOptions): Promise<Array<Settled<DetectionResult>>>;
  dispose(): Promise<void>;
}

const inputSpec = (input: unknown, name: string) => {
  const spec = input as { width?: unknown; height?: unknown; output?: unknown } | undefined;
  if (typeof spec?.width !== 'number' || typeof spec.height !== 'number' || typeof spec.output !== 'string') {
    throw new DlError('MODEL_INVALID', `Model ${name}: the detector needs input.width, input.height and input.output`);
  }
  return { width: spec.width, height: spec.height, output: spec.output };
};

/** The whole image stretched to the model's square input, 0-255 floats, NHWC (as the CenterNet was trained). */
export async function toModelInput(image: RgbImage, width: number, height: number): Promise<Float32Array> {
  const resized = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width, height, fit: 'fill' })
    .raw()
    .toBuffer();
  return Float32Array.from(resized);
}

/** Creates an object detector: the embedded CenterNet (COCO, 80 classes) on the fastest tfjs backend. */
export async function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  const loaded = await loadLocalModel(parseModelReference(options.model ?? 'centernet'), 'object-detection');
  const { manifest, paths } = loaded;
  const spec = inputSpec(manifest.input, manifest.name);
  const labels = JSON.parse(await readFile(paths.labels ?? '', 'utf8').catch(() => '[]')) as string[];
  const { tf, backend } = await selectTfjsBackend();
  const model = await loadGraphModel(loaded);
  let disposed = false;

  const run = async (image: RgbImage, opts: DetectOptions): Promise<Detection[]> => {
    const input = await toModelInput(image, spec.width, spec.height);
    const output = tf.tidy(() => model.execute(tf.tensor4d(input, [1, spec.height, spec.width, 3]), spec.output) as Tensor);
    try {
      const rows = await output.data();
      return decodeDetections(rows, { inputWidth: spec.width, inputHeight: spec.height, width: image.width, height: image.height }, labels, opts);
    } finally {
      output.dispose();
    }
  };

  const detectEach = async (images: ImageInput[], opts: DetectOptions = {}): Promise<Array<Settled<DetectionResult>>> => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This detector has been disposed');
    const results: Array<Settled<DetectionResult>> = [];
    for (const input of images) {
      try {
        const image = await decodeImage(input, options);
        results.push({ ok: true, value: { detections: await run(image, opts), image } });
      } catch (error) {
        results.push({ ok: false, error: error instanceof DlError ? error : new DlError('INPUT_UNREADABLE', String(error), { cause: error }) });
      }
    }
    return results;
  };

  return {
    model: manifest.name,
    backend,
    detectEach,
    async detect(image, opts) {
      const [result] = await detectEach([image], opts);
      if (!result!.ok) throw result!.error;
      return result!.value.detections;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
