import { DlError, loadHubPipeline, loadTransformers, type HubReference } from '@dlkit/core';
import { decodeImage, type DecodeOptions } from '../image/decode.js';
import { asDlError, firstOrThrow, type Settled } from '../settled.js';
import type { Classifier } from './classifier.js';
import type { Classification } from './postprocess.js';

/**
 * A classifier on a transformers.js `image-classification` model (hub id or local folder in its layout).
 * Images are decoded by dlkit (same formats, limits and errors as the embedded models) and handed over as
 * RawImage; transformers.js does the model's own pre-processing.
 */
export async function createHubClassifier(reference: HubReference, options: DecodeOptions = {}): Promise<Classifier> {
  const t = await loadTransformers();
  const classify = await loadHubPipeline('image-classification', reference);
  const name = reference.kind === 'hub' ? reference.id : reference.path;
  let disposed = false;
  const classifyEach = async (images: Parameters<Classifier['classifyEach']>[0], opts: { topk?: number } = {}) => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This classifier has been disposed');
    const topk = opts.topk ?? 5;
    if (!Number.isInteger(topk) || topk < 1) throw new DlError('INVALID_ARGUMENT', `topk must be a positive integer, got ${topk}`);
    const results: Array<Settled<Classification[]>> = [];
    for (const input of images) {
      try {
        const { data, width, height } = await decodeImage(input, options);
        const output = (await classify(new t.RawImage(new Uint8ClampedArray(data), width, height, 3), { top_k: topk })) as Classification[];
        results.push({ ok: true, value: output.map(({ label, score }) => ({ label, score })) });
      } catch (error) {
        results.push({ ok: false, error: asDlError(error) });
      }
    }
    return results;
  };
  return {
    model: name,
    device: 'onnxruntime cpu (transformers.js)',
    classifyEach,
    classify: async (image, opts) => firstOrThrow(await classifyEach([image], opts)),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await classify.dispose();
    },
  };
}
