import { z } from 'zod';
import { DlError } from '@dlkit/core';
import { VISION_INPUT_KINDS } from '../datasets/input-kinds.js';
import { decodeError, openImage, openUpright, type DecodeOptions, type ImageInput } from '../image/decode.js';
import { loadDigit } from './digit.js';

/** ImageNet-style models: resize the shorter side, centre-crop, normalise RGB by mean/std. */
const rgbCropSchema = z.object({
  kind: z.literal(VISION_INPUT_KINDS.rgbCrop).default(VISION_INPUT_KINDS.rgbCrop),
  layout: z.enum(['NCHW', 'NHWC']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Resize so the shorter side has this length, then centre-crop width x height (the ImageNet eval recipe). */
  resizeShorterSide: z.number().int().positive().optional(),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
});

/** Handwritten digits: any image normalised the way MNIST was made, 28x28x1 in [0,1]. */
const digitsSchema = z.object({ kind: z.literal(VISION_INPUT_KINDS.digits) });

/** Models trained by dlkit on image folders: the whole image resized to width x height, [0,1], NHWC. */
const imageSchema = z.object({
  kind: z.literal(VISION_INPUT_KINDS.image),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
});

/** The `input` section of an image-classification manifest. */
const classifierInputSchema = z.union([digitsSchema, imageSchema, rgbCropSchema]);

export type ClassifierInputSpec = z.infer<typeof classifierInputSchema>;
export type RgbCropSpec = z.infer<typeof rgbCropSchema>;

export function parseClassifierInput(input: unknown, modelName: string): ClassifierInputSpec {
  const parsed = classifierInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new DlError('MODEL_INVALID', `Model ${modelName}: invalid input spec (${parsed.error.issues[0]?.message})`);
  }
  return parsed.data;
}

/** Turns one image into the model's input: `shape` floats per image. */
export interface Preprocessor {
  /** Per-image tensor shape in the model's layout. */
  shape: number[];
  load(input: ImageInput, options: DecodeOptions): Promise<Float32Array>;
}

export function createPreprocessor(spec: ClassifierInputSpec): Preprocessor {
  switch (spec.kind) {
    case VISION_INPUT_KINDS.digits:
      return { shape: [28, 28, 1], load: loadDigit };
    case VISION_INPUT_KINDS.image:
      return {
        shape: [spec.height, spec.width, spec.channels],
        load: (input, options) => loadResized(input, spec.width, spec.height, spec.channels, options),
      };
    case VISION_INPUT_KINDS.rgbCrop:
      return {
        shape: spec.layout === 'NCHW' ? [3, spec.height, spec.width] : [spec.height, spec.width, 3],
        load: async (input, options) => normalize(await loadForClassifier(input, spec, options), spec),
      };
  }
}

/** The whole image resized (aspect not kept, as Keras `image_dataset_from_directory` does), HWC in [0,1]. */
export async function loadResized(input: ImageInput, width: number, height: number, channels: 1 | 3, options: DecodeOptions = {}): Promise<Float32Array> {
  const image = await openImage(input, options);
  try {
    const resized = image.resize({ width, height, fit: 'fill' });
    const { data } = await (channels === 1 ? resized.greyscale() : resized).removeAlpha().toColourspace(channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
    return Float32Array.from(data, (v) => v / 255);
  } catch (error) {
    throw decodeError(input, error, options.maxPixels);
  }
}

/** Decodes, resizes and centre-crops one image to the model's size: RGB bytes, HWC. */
async function loadForClassifier(input: ImageInput, spec: RgbCropSpec, options: DecodeOptions = {}) {
  const { image, width, height } = await openUpright(input, options);
  try {
    const shorter = spec.resizeShorterSide ?? Math.max(spec.width, spec.height);
    const band = centralBand(width, height);
    // Resizing the shorter side of a 1x3000 strip to 256 would make a 256x768,000 image (590 MB) to keep a
    // 224x224 crop: cut the strip down to a 2:1 band around the centre first, which holds the crop and its margin.
    const resized = (band ? image.extract(band) : image).resize({ width: shorter, height: shorter, fit: 'outside', kernel: 'lanczos3' });
    const { data: full, info } = await resized.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return centreCrop(full, info.width, info.height, spec.width, spec.height);
  } catch (error) {
    throw decodeError(input, error, options.maxPixels);
  }
}

/** The central 2:1 region of an image more elongated than that, or undefined when it is not. */
export function centralBand(width: number, height: number): { left: number; top: number; width: number; height: number } | undefined {
  const short = Math.min(width, height);
  const long = Math.min(Math.max(width, height), 2 * short);
  if (long === Math.max(width, height)) return undefined;
  return width > height
    ? { left: Math.floor((width - long) / 2), top: 0, width: long, height }
    : { left: 0, top: Math.floor((height - long) / 2), width, height: long };
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

/** One HWC RGB crop scaled to [0,1] and normalised per channel, in the model's layout. */
function normalize(rgb: Uint8Array, spec: RgbCropSpec): Float32Array {
  const pixels = spec.width * spec.height;
  const out = new Float32Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      const value = (rgb[p * 3 + c]! / 255 - spec.mean[c]!) / spec.std[c]!;
      out[spec.layout === 'NCHW' ? c * pixels + p : p * 3 + c] = value;
    }
  }
  return out;
}
