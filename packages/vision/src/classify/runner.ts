import {
  checkLabelCount,
  isTransformersFolder,
  loadLabels,
  loadLocalModel,
  modelRuntimeError,
  parseModelReference,
  refuseHubOnlyOptions,
  type LoadedManifest,
  type Settled,
  type TaskRunner,
} from '@dlkit/core';
import type { z } from 'zod';
// The embedded models are registered before a name is looked up, however this module was reached.
import '../embedded.js';
import { decodeOptions, type DecodeOptions, type ImageInput } from '../image/decode.js';
import { inputError } from '../input-error.js';
import type { classificationCallOptions, classificationLoadOptions } from '../tasks.js';
import { softmax, topK, type Classification } from './postprocess.js';
import { createPreprocessor, parseClassifierInput, type Preprocessor } from './preprocess.js';
import { createRuntime, type ClassifierRuntime } from './runtime.js';

export type ClassificationLoadOptions = z.infer<typeof classificationLoadOptions>;
export type ClassificationCallOptions = z.infer<typeof classificationCallOptions>;
export type ClassifierRunner = TaskRunner<ImageInput, Classification[], ClassificationCallOptions>;

/** The labels a call returns when `topK` is not given. */
export const DEFAULT_TOP_K = 5;
/** Images per model run when `batchSize` is not given. */
export const DEFAULT_BATCH_SIZE = 8;

/**
 * The image-classification runner for `model`: an embedded name (`mobilenetv2`, `digits`), a model folder with a
 * dlkit.json, or a transformers.js hub id / folder (the only kind that takes `dtype`, or a `device` but 'cpu').
 */
export async function loadClassifierRunner(model: string, options: ClassificationLoadOptions): Promise<ClassifierRunner> {
  const reference = parseModelReference(model);
  if (reference.kind === 'hub' || isTransformersFolder(reference)) {
    const { loadHubClassifierRunner } = await import('./hub-classifier.js');
    return loadHubClassifierRunner(reference, options);
  }
  refuseHubOnlyOptions(options, model);
  const loaded = await loadLocalModel(reference, 'image-classification');
  const preprocessor = createPreprocessor(parseClassifierInput(loaded.manifest.input, loaded.manifest.name));
  // Asked for the CPU, an ONNX model does not try CUDA first.
  const runtime = await createRuntime(loaded, { threads: options.threads, ...(options.device === 'cpu' ? { providers: ['cpu'] } : {}) });
  let labels: string[];
  try {
    labels = await loadLabels(loaded, runtime.classes);
  } catch (error) {
    await runtime.dispose();
    throw error;
  }
  const classifier = { loaded, preprocessor, runtime, labels, decode: decodeOptions(options) };
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  return {
    model: loaded.manifest.name,
    device: runtime.device,
    async run(images, { topK: k = DEFAULT_TOP_K }) {
      const results: Array<Settled<Classification[]>> = [];
      for (let start = 0; start < images.length; start += batchSize) {
        results.push(...(await classifyBatch(classifier, images.slice(start, start + batchSize), k)));
      }
      return results;
    },
    dispose: () => runtime.dispose(),
  };
}

interface LocalClassifier {
  loaded: LoadedManifest;
  preprocessor: Preprocessor;
  runtime: ClassifierRuntime;
  labels: string[];
  decode: DecodeOptions;
}

/** Pre-processing: each image as the model's input floats, or that image's error. */
async function preprocessAll(preprocessor: Preprocessor, images: readonly ImageInput[], decode: DecodeOptions): Promise<Array<Settled<Float32Array>>> {
  return Promise.all(
    images.map((image) =>
      preprocessor.load(image, decode).then(
        (value): Settled<Float32Array> => ({ ok: true, value }),
        (error: unknown): Settled<Float32Array> => ({ ok: false, error: inputError(error) }),
      ),
    ),
  );
}

/** The model call: one run over the images that could be read, their score vectors in order. */
async function scoreBatch({ runtime, preprocessor, loaded, labels }: LocalClassifier, inputs: readonly Float32Array[]): Promise<Float32Array[]> {
  const batch = inputs.length === 1 ? inputs[0]! : concatenate(inputs, preprocessor.shape.reduce((a, b) => a * b, 1));
  const scores = await runtime.run(batch, inputs.length, preprocessor.shape);
  // A model whose output size is dynamic is checked against its labels on its first answer.
  if (loaded.paths.labels !== undefined && runtime.classes === undefined) checkLabelCount(labels, scores[0]!.length, loaded.paths.labels);
  return scores;
}

/** The images' floats one after another, as one model input. */
function concatenate(inputs: readonly Float32Array[], size: number): Float32Array {
  const batch = new Float32Array(inputs.length * size);
  inputs.forEach((x, j) => batch.set(x, j * size));
  return batch;
}

/** Post-processing: scores (logits unless the model ends in a softmax) to the k best labels. */
function toLabels(scores: Float32Array, { runtime, labels }: LocalClassifier, k: number): Classification[] {
  return topK(runtime.probabilities ? scores : softmax(scores), labels, k);
}

/**
 * One model run over up to `batchSize` images: an image that cannot be read fails alone; a failure of the run
 * itself fails the images that were in it, as MODEL_RUNTIME.
 */
async function classifyBatch(classifier: LocalClassifier, images: readonly ImageInput[], k: number): Promise<Array<Settled<Classification[]>>> {
  const inputs = await preprocessAll(classifier.preprocessor, images, classifier.decode);
  const readable = inputs.flatMap((input) => (input.ok ? [input.value] : []));
  let scores: Float32Array[] = [];
  let failure: Settled<never> | undefined;
  if (readable.length > 0) {
    try {
      scores = await scoreBatch(classifier, readable);
    } catch (error) {
      failure = { ok: false, error: modelRuntimeError(error, classifier.loaded.manifest.name) };
    }
  }
  let next = 0;
  return inputs.map((input) => {
    if (!input.ok) return input;
    if (failure) return failure;
    return { ok: true, value: toLabels(scores[next++]!, classifier, k) };
  });
}
