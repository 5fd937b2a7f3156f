import { DlError, loadHubPipeline, loadTransformers, type HubReference } from '@dlkit/core';
import { asDlError, firstOrThrow, type Settled } from '../settled.js';
import { decodeImage, type DecodeOptions } from '../image/decode.js';
import type { DetectionResult, Detector } from './detector.js';
import { checkDetectOptions } from './options.js';
import { finishDetections, type Detection, type DetectOptions } from './postprocess.js';

/** The model's labels from its config (id2label), in id order; empty when the config has none. */
function hubLabels(pipeline: unknown): string[] {
  const id2label = (pipeline as { model?: { config?: { id2label?: Record<string, unknown> } } }).model?.config?.id2label ?? {};
  return Object.entries(id2label)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, label]) => label)
    .filter((label): label is string => typeof label === 'string');
}

/**
 * A detector on a transformers.js `object-detection` model (DETR, YOLOS: hub id or local folder in its layout).
 * Images are decoded by dlkit; boxes come back in pixels of the original image, filtered as for the embedded
 * detector (threshold, classes checked against the config's labels, NMS with one label per box, max count).
 */
export async function createHubDetector(reference: HubReference, options: DecodeOptions = {}): Promise<Detector> {
  const t = await loadTransformers();
  const detect = await loadHubPipeline('object-detection', reference);
  const labels = hubLabels(detect);
  let disposed = false;
  const detectEach = async (images: Parameters<Detector['detectEach']>[0], given: Parameters<Detector['detectEach']>[1] = {}) => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This detector has been disposed');
    const opts = checkDetectOptions(given, labels);
    const results: Array<Settled<DetectionResult>> = [];
    for (const input of images) {
      try {
        const image = await decodeImage(input, options);
        const raw = new t.RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 3);
        const found = (await detect(raw, { threshold: opts.threshold ?? 0.3, percentage: false })) as Detection[];
        const detections = finishDetections(found, image.width, image.height, opts);
        results.push({ ok: true, value: { detections, width: image.width, height: image.height, ...(opts.keepImage ? { image } : {}) } });
      } catch (error) {
        results.push({ ok: false, error: asDlError(error) });
      }
    }
    return results;
  };
  return {
    model: reference.kind === 'hub' ? reference.id : reference.path,
    backend: 'onnxruntime cpu (transformers.js)',
    labels,
    detectEach,
    detect: async (image, opts?: DetectOptions) => firstOrThrow(await detectEach([image], opts)).detections,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await detect.dispose();
    },
  };
}
