import type { Tf } from '@dlkit/core';
import type { Detection } from '../detect/postprocess.js';
import { decodeError, openBytes, uprightSize, type DecodeOptions, type ImageInput } from '../image/decode.js';
import { inputError } from '../input-error.js';

type Tensor4D = ReturnType<Tf['tensor4d']>;

/**
 * The longest side the crops are cut from. MoveNet sees 192 x 192 per person, so a larger picture only costs
 * memory (a 100-megapixel scan would be 1.2 GB as floats): the image is shrunk to this first, never enlarged.
 */
export const WORK_SIDE = 1024;

/**
 * How much wider than the person's box the square crop is, so that raised hands and feet stay in it. Mean keypoint
 * score at 1.0 / 1.1 / 1.25 / 1.5: astronaut 0.36 / 0.44 / 0.50 / 0.48, person.jpg 0.46 / 0.45 / 0.44 / 0.45; the
 * whole image padded square (Human's way) 0.39 and 0.40.
 */
export const CROP_MARGIN = 1.25;

/** The upright image shrunk to at most WORK_SIDE, as RGB bytes, with its scale to the original's pixels. */
export interface WorkImage {
  pixels: Buffer;
  width: number;
  height: number;
  /** Pixels of the original image (the answer's pixels) per pixel of this one. */
  scale: number;
  original: { width: number; height: number };
}

/** A square in pixels of the original image; it may reach past the image's edges (that part is black). */
export interface Crop {
  x: number;
  y: number;
  side: number;
}

/** The upright size from the header (~1 ms): a file that is no image fails here, named, before any model runs. */
export const originalSize = (input: ImageInput, bytes: Uint8Array, decode: DecodeOptions) => uprightSize(input, bytes, decode).catch((error: unknown) => Promise.reject(inputError(error)));

/** Decodes the bytes, upright, at most WORK_SIDE on the longest side (`original`: the upright size). */
export async function workImage(input: ImageInput, bytes: Uint8Array, original: WorkImage['original'], decode: DecodeOptions): Promise<WorkImage> {
  const scale = Math.max(1, Math.max(original.width, original.height) / WORK_SIDE);
  const width = Math.max(1, Math.round(original.width / scale));
  const height = Math.max(1, Math.round(original.height / scale));
  try {
    const pixels = await openBytes(input, bytes, decode).resize({ width, height, fit: 'fill' }).removeAlpha().raw().toBuffer();
    return { pixels, width, height, scale, original };
  } catch (error) {
    throw decodeError(input, error, decode.maxPixels);
  }
}

/** The square crop centred on a person's box, CROP_MARGIN times its longer side. */
export function cropAround(box: Detection['box']): Crop {
  const side = Math.max(box.xmax - box.xmin, box.ymax - box.ymin, 1) * CROP_MARGIN;
  return { x: (box.xmin + box.xmax - side) / 2, y: (box.ymin + box.ymax - side) / 2, side };
}

/**
 * The crops cut from the image and resized to the model's square input (bilinear, black outside the image), as
 * one int32 batch `[crops, size, size, 3]` of 0-255 values, MoveNet's input.
 */
export function cropBatch(tf: Tf, image: WorkImage, crops: readonly Crop[], size: number): Tensor4D {
  return tf.tidy(() => {
    const pixels = tf.tensor4d(Float32Array.from(image.pixels), [1, image.height, image.width, 3]);
    // cropAndResize's boxes are [y1, x1, y2, x2] in 0-1 of the image it is given (the shrunk one).
    const boxes = crops.map(({ x, y, side }) => {
      const [x1, y1, s] = [x / image.scale, y / image.scale, side / image.scale];
      return [y1 / (image.height - 1 || 1), x1 / (image.width - 1 || 1), (y1 + s) / (image.height - 1 || 1), (x1 + s) / (image.width - 1 || 1)];
    });
    const cut = tf.image.cropAndResize(pixels, tf.tensor2d(boxes, [crops.length, 4]), tf.zeros([crops.length], 'int32'), [size, size], 'bilinear', 0);
    return tf.cast(tf.round(cut), 'int32');
  });
}
