import { readFile } from 'node:fs/promises';
import {
  createOnnxSession,
  DlError,
  loadLocalModel,
  parseModelReference,
  type OnnxProvider,
  type OnnxSession,
} from '@dlkit/core';
import type { DecodeOptions, ImageInput } from '../image/decode.js';
import { softmax, topK, type Classification } from './postprocess.js';
import { loadForClassifier, normalizeInto, parseClassifierInput, type ClassifierInputSpec } from './preprocess.js';

export interface ClassifierOptions extends DecodeOptions {
  /** Embedded name (default `mobilenetv2`) or a model folder with a dlkit.json. */
  model?: string;
  /** onnxruntime threads per operator. */
  threads?: number;
  providers?: OnnxProvider[];
  /** Images per model run (default 8). */
  batchSize?: number;
}

export interface ClassifyOptions {
  /** How many labels to return (default 5). */
  topk?: number;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: DlError };

export interface Classifier {
  readonly model: string;
  readonly provider: OnnxProvider;
  /** Top-k labels for one image. */
  classify(image: ImageInput, options?: ClassifyOptions): Promise<Classification[]>;
  /** Top-k labels for each image, batched; a bad image fails alone, the others are still classified. */
  classifyEach(images: ImageInput[], options?: ClassifyOptions): Promise<Array<Settled<Classification[]>>>;
  dispose(): Promise<void>;
}

function asDlError(error: unknown): DlError {
  return error instanceof DlError ? error : new DlError('INPUT_UNREADABLE', String(error), { cause: error });
}

/** Runs one batch of preprocessed crops through the session; returns logits per image. */
async function runBatch(onnx: OnnxSession, crops: Uint8Array[], spec: ClassifierInputSpec): Promise<Float32Array[]> {
  const size = spec.width * spec.height * 3;
  const batch = new Float32Array(crops.length * size);
  crops.forEach((crop, i) => normalizeInto(batch, i, crop, spec));
  const dims = spec.layout === 'NCHW' ? [crops.length, 3, spec.height, spec.width] : [crops.length, spec.height, spec.width, 3];
  const input = new onnx.ort.Tensor('float32', batch, dims);
  const feeds = { [onnx.session.inputNames[0]!]: input };
  const outputs = await onnx.session.run(feeds);
  const logits = outputs[onnx.session.outputNames[0]!]!;
  try {
    const data = logits.data as Float32Array;
    const classes = data.length / crops.length;
    return crops.map((_, i) => data.slice(i * classes, (i + 1) * classes));
  } finally {
    input.dispose();
    for (const t of Object.values(outputs)) t.dispose();
  }
}

/** Creates an image classifier on an ONNX model (embedded MobileNetV2 by default). */
export async function createClassifier(options: ClassifierOptions = {}): Promise<Classifier> {
  const reference = parseModelReference(options.model ?? 'mobilenetv2');
  const loaded = await loadLocalModel(reference, 'image-classification');
  const { manifest, paths } = loaded;
  if (manifest.runtime !== 'onnx' || paths.model === undefined) {
    throw new DlError('MODEL_INVALID', `Model ${manifest.name}: the classifier runs ONNX models with a 'model' file`);
  }
  const spec = parseClassifierInput(manifest.input, manifest.name);
  const labels = paths.labels === undefined ? [] : (JSON.parse(await readFile(paths.labels, 'utf8')) as string[]);
  const onnx = await createOnnxSession(paths.model, {
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.providers !== undefined ? { providers: options.providers } : {}),
  });
  const batchSize = options.batchSize ?? 8;
  let disposed = false;

  const classifyEach = async (images: ImageInput[], opts: ClassifyOptions = {}) => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This classifier has been disposed');
    const topk = opts.topk ?? 5;
    if (!Number.isInteger(topk) || topk < 1) throw new DlError('INVALID_ARGUMENT', `topk must be a positive integer, got ${topk}`);
    const results: Array<Settled<Classification[]>> = new Array(images.length);
    for (let start = 0; start < images.length; start += batchSize) {
      const chunk = images.slice(start, start + batchSize);
      const crops = await Promise.all(
        chunk.map((image) => loadForClassifier(image, spec, options).then((crop) => ({ crop }), (error) => ({ error: asDlError(error) }))),
      );
      const ok = crops.flatMap((c, i) => ('crop' in c ? [{ i, crop: c.crop }] : []));
      const logits = ok.length > 0 ? await runBatch(onnx, ok.map((c) => c.crop), spec) : [];
      ok.forEach(({ i }, j) => {
        results[start + i] = { ok: true, value: topK(softmax(logits[j]!), labels, topk) };
      });
      crops.forEach((c, i) => {
        if ('error' in c) results[start + i] = { ok: false, error: c.error };
      });
    }
    return results;
  };

  return {
    model: manifest.name,
    provider: onnx.provider,
    classifyEach,
    async classify(image, opts) {
      const [result] = await classifyEach([image], opts);
      if (!result!.ok) throw result!.error;
      return result!.value;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await onnx.session.release();
    },
  };
}
