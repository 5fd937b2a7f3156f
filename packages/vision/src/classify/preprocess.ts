import { z } from 'zod';
import { DlError } from '@dlkit/core';
import { VISION_INPUT_KINDS } from '../datasets/input-kinds.js';
import { decodeError, openBytes, openImage, readImage, uprightSize, type DecodeOptions, type ImageInput } from '../image/decode.js';
import { storedSize } from '../image/header.js';
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
}).refine((spec) => (spec.resizeShorterSide ?? Infinity) >= Math.max(spec.width, spec.height), {
  message: 'resizeShorterSide must be at least the crop width and height',
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
    case VISION_INPUT_KINDS.rgbCrop: {
      const table = normalizationTable(spec);
      return {
        shape: spec.layout === 'NCHW' ? [3, spec.height, spec.width] : [spec.height, spec.width, 3],
        load: async (input, options) => normalizeCrop(await loadForClassifier(input, spec, options), spec, table),
      };
    }
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

/** Decodes one image and resizes its shorter side to the model's: RGB bytes, HWC, to be centre-cropped. */
async function loadForClassifier(input: ImageInput, spec: RgbCropSpec, options: DecodeOptions = {}): Promise<RgbBytes> {
  const bytes = await readImage(input, options);
  const band = await bandToKeep(input, bytes, options);
  const image = openBytes(input, bytes, options);
  try {
    const shorter = spec.resizeShorterSide ?? Math.max(spec.width, spec.height);
    // Resizing the shorter side of a 1x3000 strip to 256 would make a 256x768,000 image (590 MB) to keep a
    // 224x224 crop: cut the strip down to a 2:1 band around the centre first, which holds the crop and its margin.
    const resized = (band ? image.extract(band) : image).resize({ width: shorter, height: shorter, fit: 'outside', kernel: 'lanczos3' });
    const { data, info } = await resized.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw decodeError(input, error, options.maxPixels);
  }
}

/**
 * The central band of an image more elongated than 2:1, in upright pixels. Most photos are not, which their PNG or
 * JPEG header says whichever way up they are: libvips reads the header for the upright size (~1 ms a call, 7% of
 * a MobileNetV2 classify) only for the others and for other formats.
 */
async function bandToKeep(input: ImageInput, bytes: Uint8Array, options: DecodeOptions) {
  const stored = storedSize(bytes);
  if (stored !== undefined && centralBand(stored.width, stored.height) === undefined) return undefined;
  const { width, height } = await uprightSize(input, bytes, options);
  return centralBand(width, height);
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

interface RgbBytes {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Per channel, the float each byte value becomes, `(v / 255 - mean) / std`: looked up, not computed per pixel. */
export function normalizationTable({ mean, std }: RgbCropSpec): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!;
  return table;
}

/** The centre crop of an HWC RGB image, normalised per channel through `table`, in the model's layout. */
export function normalizeCrop(rgb: RgbBytes, spec: RgbCropSpec, table: Float32Array): Float32Array {
  const { width, height } = spec;
  const left = Math.floor((rgb.width - width) / 2);
  const top = Math.floor((rgb.height - height) / 2);
  const pixels = width * height;
  const out = new Float32Array(pixels * 3);
  // Where a pixel's next value goes and how far apart its three channels lie: NCHW planes, or NHWC interleaved.
  const [pixelStep, channelStep] = spec.layout === 'NCHW' ? [1, pixels] : [3, 1];
  for (let y = 0; y < height; y++) {
    let from = ((top + y) * rgb.width + left) * 3;
    let to = y * width * pixelStep;
    for (let x = 0; x < width; x++, from += 3, to += pixelStep) {
      out[to] = table[rgb.data[from]!]!;
      out[to + channelStep] = table[256 + rgb.data[from + 1]!]!;
      out[to + 2 * channelStep] = table[512 + rgb.data[from + 2]!]!;
    }
  }
  return out;
}
