import { checkLabelCount, DlError, isTransformersFolder, loadLabels, loadLocalModel, parseModelReference, type OnnxProvider } from '@dlkit/core';
import type { DecodeOptions, ImageInput } from '../image/decode.js';
import { softmax, topK, type Classification } from './postprocess.js';
import { createPreprocessor, parseClassifierInput } from './preprocess.js';
import { createRuntime } from './runtime.js';
import { asDlError, firstOrThrow, type Settled } from '../settled.js';

export interface ClassifierOptions extends DecodeOptions {
  /**
   * Embedded name (default `mobilenetv2`, or `digits`), a model folder with a dlkit.json, a hub id run by
   * transformers.js (`Xenova/vit-base-patch16-224`), or a folder in transformers.js's layout.
   */
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

export type { Settled } from '../settled.js';

export interface Classifier {
  readonly model: string;
  /** Where it runs: onnxruntime's execution provider or the tfjs backend. */
  readonly device: string;
  /** Top-k labels for one image. */
  classify(image: ImageInput, options?: ClassifyOptions): Promise<Classification[]>;
  /** Top-k labels for each image, batched; a bad image fails alone, the others are still classified. */
  classifyEach(images: ImageInput[], options?: ClassifyOptions): Promise<Array<Settled<Classification[]>>>;
  dispose(): Promise<void>;
}


/** Creates an image classifier: embedded MobileNetV2 (ONNX) by default, `digits`, or a model folder. */
export async function createClassifier(options: ClassifierOptions = {}): Promise<Classifier> {
  const reference = parseModelReference(options.model ?? 'mobilenetv2');
  if (reference.kind === 'hub' || isTransformersFolder(reference)) {
    const { createHubClassifier } = await import('./hub-classifier.js');
    return createHubClassifier(reference, options);
  }
  const loaded = await loadLocalModel(reference, 'image-classification');
  const { manifest, paths } = loaded;
  const preprocessor = createPreprocessor(parseClassifierInput(manifest.input, manifest.name));
  const runtime = await createRuntime(loaded, options);
  let labels: string[];
  try {
    labels = await loadLabels(loaded, runtime.classes);
  } catch (error) {
    await runtime.dispose();
    throw error;
  }
  const batchSize = options.batchSize ?? 8;
  const size = preprocessor.shape.reduce((a, b) => a * b, 1);
  let disposed = false;

  const classifyEach = async (images: ImageInput[], opts: ClassifyOptions = {}) => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This classifier has been disposed');
    const topk = opts.topk ?? 5;
    if (!Number.isInteger(topk) || topk < 1) throw new DlError('INVALID_ARGUMENT', `topk must be a positive integer, got ${topk}`);
    const results: Array<Settled<Classification[]>> = new Array(images.length);
    for (let start = 0; start < images.length; start += batchSize) {
      const chunk = images.slice(start, start + batchSize);
      const inputs = await Promise.all(
        chunk.map((image) => preprocessor.load(image, options).then((x) => ({ x }), (error) => ({ error: asDlError(error) }))),
      );
      const ok = inputs.flatMap((c, i) => ('x' in c ? [{ i, x: c.x }] : []));
      if (ok.length > 0) {
        const batch = new Float32Array(ok.length * size);
        ok.forEach(({ x }, j) => batch.set(x, j * size));
        const scores = await runtime.run(batch, ok.length, preprocessor.shape);
        // A model whose output size is dynamic is checked against its labels on its first answer.
        if (paths.labels !== undefined && runtime.classes === undefined) checkLabelCount(labels, scores[0]!.length, paths.labels);
        ok.forEach(({ i }, j) => {
          results[start + i] = { ok: true, value: topK(runtime.probabilities ? scores[j]! : softmax(scores[j]!), labels, topk) };
        });
      }
      inputs.forEach((c, i) => {
        if ('error' in c) results[start + i] = { ok: false, error: c.error };
      });
    }
    return results;
  };

  return {
    model: manifest.name,
    device: runtime.device,
    classifyEach,
    classify: async (image, opts) => firstOrThrow(await classifyEach([image], opts)),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await runtime.dispose();
    },
  };
}
