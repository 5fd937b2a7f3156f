import sharp from 'sharp';
import { decodeError, decodeOptions, openUpright, type DecodeOptions, type ImageInput, type RgbImage } from '../image/decode.js';
import { inputError } from '../input-error.js';

/** Quarter turns the page may be read at, clockwise, in the order they are tried. */
export const QUARTER_TURNS = [0, 90, 180, 270] as const;
export type QuarterTurn = (typeof QUARTER_TURNS)[number];

/** The upright image as RGB bytes, bounded by `maxPixels` like every image input (decoded by sharp, not by Tesseract). */
export async function decodePage(input: ImageInput, options: DecodeOptions): Promise<RgbImage> {
  const decode = decodeOptions(options);
  const { image } = await openUpright(input, decode).catch((error: unknown) => Promise.reject(inputError(error)));
  try {
    const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw decodeError(input, error, decode.maxPixels);
  }
}

/**
 * The image as a binary PPM (P6): a header in front of the RGB bytes, which Leptonica reads as it is, so no PNG is
 * encoded and decoded again between sharp and Tesseract. Tesseract.js reads no orientation from it (no EXIF).
 */
export function toPnm({ data, width, height }: RgbImage): Uint8Array {
  const header = Buffer.from(`P6\n${width} ${height}\n255\n`, 'ascii');
  return Buffer.concat([header, data]);
}

/** The image turned clockwise by `turn` degrees (a copy; 0 is the image itself). */
export async function turned(image: RgbImage, turn: QuarterTurn): Promise<RgbImage> {
  if (turn === 0) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .rotate(turn)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A copy whose longer side is at most `maxSide` (the image itself when it is already that small), and its scale. */
export async function downscaled(image: RgbImage, maxSide: number): Promise<{ image: RgbImage; scale: number }> {
  const side = Math.max(image.width, image.height);
  if (side <= maxSide) return { image, scale: 1 };
  const scale = maxSide / side;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ width: Math.max(1, Math.round(image.width * scale)), height: Math.max(1, Math.round(image.height * scale)), fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { image: { data, width: info.width, height: info.height }, scale };
}
