import { DlError, hubPipelineDevice, loadHubPipeline, loadTransformers, oneAtATime, type HubPipeline, type HubReference } from '@dlkit/core';
import { decodeImage, decodeOptions, type ImageInput } from '../image/decode.js';
import { inputError } from '../input-error.js';
import type { Classification } from './postprocess.js';
import { DEFAULT_TOP_K, type ClassificationCallOptions, type ClassificationLoadOptions, type ClassifierRunner } from './runner.js';

/** Where a hub pipeline runs, as its ONNX sessions say (`onnxruntime cpu (transformers.js)` unless a device was asked for). */
export function hubDevice(pipeline: HubPipeline, asked: string | undefined): string {
  return `onnxruntime ${hubPipelineDevice(pipeline, asked)} (transformers.js)`;
}

/** The name a hub reference is known by: its id, or the folder it was loaded from. */
export function hubModelName(reference: HubReference): string {
  return reference.kind === 'hub' ? reference.id : reference.path;
}

/**
 * A classifier on a transformers.js `image-classification` model (hub id or local folder in its layout).
 * Images are decoded by dlkit (same formats, limits and errors as the embedded models) and handed over as
 * RawImage; transformers.js does the model's own pre-processing.
 */
export async function loadHubClassifierRunner(reference: HubReference, options: ClassificationLoadOptions): Promise<ClassifierRunner> {
  // transformers.js runs one image at a time with its own session settings: an option it cannot honour is refused, not ignored.
  for (const option of ['threads', 'batchSize'] as const) {
    if (options[option] !== undefined) {
      throw new DlError('INVALID_ARGUMENT', `${option} applies to embedded and dlkit-trained models, not to transformers.js models (${hubModelName(reference)})`, { parameter: option });
    }
  }
  const t = await loadTransformers();
  const classify = await loadHubPipeline('image-classification', reference, { dtype: options.dtype, device: options.device });
  const model = hubModelName(reference);
  const decode = decodeOptions(options);
  const classifyOne = async (input: ImageInput, { topK: k = DEFAULT_TOP_K }: ClassificationCallOptions): Promise<Classification[]> => {
    const { data, width, height } = await decodeImage(input, decode).catch((error: unknown) => Promise.reject(inputError(error)));
    // What transformers.js throws on an image that decoded is the model's failure: oneAtATime makes it MODEL_RUNTIME.
    const output = (await classify(new t.RawImage(new Uint8ClampedArray(data), width, height, 3), { top_k: k })) as Classification[];
    return output.map(({ label, score }) => ({ label, score }));
  };
  return { model, device: hubDevice(classify, options.device), run: oneAtATime(classifyOne, model), dispose: () => classify.dispose() };
}
