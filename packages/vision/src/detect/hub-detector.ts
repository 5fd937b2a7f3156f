import { DlError, loadHubPipeline, loadTransformers, oneAtATime, type HubReference } from '@dlkit/core';
import { hubDevice, hubModelName } from '../classify/hub-classifier.js';
import { decodeImage, decodeOptions, type ImageInput } from '../image/decode.js';
import { inputError } from '../input-error.js';
import { DEFAULT_DETECTION_THRESHOLD, finishDetections, type Detection } from './postprocess.js';
import { withResolvedClasses, type DetectionCallOptions, type DetectionLoadOptions, type DetectorRunner } from './runner.js';

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
export async function loadHubDetectorRunner(reference: HubReference, options: DetectionLoadOptions): Promise<DetectorRunner> {
  const t = await loadTransformers();
  const detect = await loadHubPipeline('object-detection', reference, { dtype: options.dtype, device: options.device });
  const labels = hubLabels(detect);
  const model = hubModelName(reference);
  const decode = decodeOptions(options);
  const detectOne = async (input: ImageInput, call: DetectionCallOptions): Promise<Detection[]> => {
    // Tiling runs dlkit's own model calls per tile; transformers.js resizes the whole image itself.
    if (call.tiles !== undefined && call.tiles !== false) throw new DlError('INVALID_ARGUMENT', `tiles works with the embedded detector and dlkit.json models, not ${model}`, { parameter: 'tiles' });
    const image = await decodeImage(input, decode).catch((error: unknown) => Promise.reject(inputError(error)));
    const raw = new t.RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 3);
    // What transformers.js throws on an image that decoded is the model's failure: oneAtATime makes it MODEL_RUNTIME.
    const found = (await detect(raw, { threshold: call.threshold ?? DEFAULT_DETECTION_THRESHOLD, percentage: false })) as Detection[];
    return finishDetections(found, image.width, image.height, call);
  };
  const detectEach = oneAtATime(detectOne, model);
  return {
    model,
    device: hubDevice(detect, options.device),
    run: (images, call) => detectEach(images, withResolvedClasses(call, labels)),
    dispose: () => detect.dispose(),
  };
}
