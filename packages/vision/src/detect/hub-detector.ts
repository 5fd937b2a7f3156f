import { DlError, loadHubPipeline, loadTransformers, type HubReference } from '@dlkit/core';
import { asDlError, firstOrThrow, type Settled } from '../settled.js';
import { decodeImage, type DecodeOptions } from '../image/decode.js';
import type { DetectionResult, Detector } from './detector.js';
import { finishDetections, type Detection, type DetectOptions } from './postprocess.js';

/**
 * A detector on a transformers.js `object-detection` model (DETR, YOLOS: hub id or local folder in its layout).
 * Images are decoded by dlkit; boxes come back in pixels of the original image, filtered as for the embedded
 * detector (threshold, classes, per-class NMS, max count).
 */
export async function createHubDetector(reference: HubReference, options: DecodeOptions = {}): Promise<Detector> {
  const t = await loadTransformers();
  const detect = await loadHubPipeline('object-detection', reference);
  let disposed = false;
  const detectEach = async (images: Parameters<Detector['detectEach']>[0], opts: Parameters<Detector['detectEach']>[1] = {}) => {
    if (disposed) throw new DlError('INVALID_ARGUMENT', 'This detector has been disposed');
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
    detectEach,
    detect: async (image, opts?: DetectOptions) => firstOrThrow(await detectEach([image], opts)).detections,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await detect.dispose();
    },
  };
}
