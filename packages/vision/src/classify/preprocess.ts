import { z } from 'zod';
import { DlError } from '@dlkit/core';
import { decodeError, openImage, type DecodeOptions, type ImageInput } from '../image/decode.js';

/** The `input` section of an image-classification manifest. */
export const classifierInputSchema = z.object({
  layout: z.enum(['NCHW', 'NHWC']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Resize so the shorter side has this length, then centre-crop width x height (the ImageNet eval recipe). */
  resizeShorterSide: z.number().int().positive().optional(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
});

export type ClassifierInputSpec = z.infer<typeof classifierInputSchema>;

export function parseClassifierInput(input: unknown, modelName: string): ClassifierInputSpec {
  const parsed = classifierInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new DlError('MODEL_INVALID', `Model ${modelName}: invalid input spec (${parsed.error.issues[0]?.message})`);
  }
  return parsed.data;
}

/** Decodes, resizes and centre-crops one image to the model's size: RGB bytes, HWC. */
export async function loadForClassifier(input: ImageInput, spec: ClassifierInputSpec, options: DecodeOptions = {}) {
  const image = await openImage(input, options);
  try {
    const shorter = spec.resizeShorterSide ?? Math.max(spec.width, spec.height);
    const resized = image.resize({ width: shorter, height: shorter, fit: 'outside', kernel: 'lanczos3' });
    const { data: full, info } = await resized.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return centreCrop(full, info.width, info.height, spec.width, spec.height);
  } catch (error) {
    throw decodeError(input, error, options.maxPixels);
  }
}

function centreCrop(rgb: Buffer, width: number, height: number, cropWidth: number, cropHeight: number): Uint8Array {
  const left = Math.floor((width - cropWidth) / 2);
  const top = Math.floor((height - cropHeight) / 2);
  const out = new Uint8Array(cropWidth * cropHeight * 3);
  for (let y = 0; y < cropHeight; y++) {
    const from = ((top + y) * width + left) * 3;
    out.set(rgb.subarray(from, from + cropWidth * 3), y * cropWidth * 3);
  }
  return out;
}

/** Writes one HWC RGB crop into `batch` at `index`, scaled to [0,1] and normalised per channel. */
export function normalizeInto(batch: Float32Array, index: number, rgb: Uint8Array, spec: ClassifierInputSpec): void {
  const pixels = spec.width * spec.height;
  const offset = index * pixels * 3;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      const value = (rgb[p * 3 + c]! / 255 - spec.mean[c]!) / spec.std[c]!;
      batch[offset + (spec.layout === 'NCHW' ? c * pixels + p : p * 3 + c)] = value;
    }
  }
}
