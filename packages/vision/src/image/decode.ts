import sharp, { type Sharp } from 'sharp';
import { DlError, errorMessage, readInput, type ReadInputOptions } from '@dlkit/core';

/** An image as tightly packed 8-bit RGB, upright (EXIF orientation applied), alpha flattened onto white. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

export type ImageInput = string | Buffer | Uint8Array;

/** Default pixel limit: refuses decompression bombs (a tiny file declaring a gigapixel canvas). */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/**
 * How an image is read and decoded. `allowUrls`, `allowStdin` and `allowPrivateHosts` go to core's `readInput`
 * unchanged (all default false: a string that looks like a URL or `-` is not fetched or read unless asked).
 */
export interface DecodeOptions extends Pick<ReadInputOptions, 'allowUrls' | 'allowStdin' | 'allowPrivateHosts'> {
  maxPixels?: number;
  /** For http(s) URLs: give up after this long (default 30 s). */
  timeoutMs?: number;
  /** Largest file or download taken, bytes (default 256 MiB). */
  maxBytes?: number;
}

/** The load options of a pipeline that say how its images are read and decoded, as given. */
export function decodeOptions({ maxPixels, allowUrls, allowStdin, allowPrivateHosts }: DecodeOptions): DecodeOptions {
  return { maxPixels, allowUrls, allowStdin, allowPrivateHosts };
}

/** The options of `DecodeOptions` that are core's `readInput`'s, as given. */
function readOptions({ timeoutMs, maxBytes, allowUrls, allowStdin, allowPrivateHosts }: DecodeOptions): ReadInputOptions {
  return { timeoutMs, maxBytes, allowUrls, allowStdin, allowPrivateHosts };
}

function describe(input: ImageInput): string {
  return typeof input === 'string' ? input : `<buffer of ${input.length} bytes>`;
}

/** A sharp pipeline over the input, upright and without alpha, failing with typed errors. */
export async function openImage(input: ImageInput, options: DecodeOptions = {}): Promise<Sharp> {
  return (await openUpright(input, options)).image;
}

/** `openImage` with the upright size (EXIF orientations 5-8 swap width and height). */
export async function openUpright(input: ImageInput, options: DecodeOptions = {}): Promise<{ image: Sharp; width: number; height: number }> {
  // A string is a path, an http(s) URL or `-` (stdin); core decides which of those it may read.
  const bytes = typeof input === 'string' ? await readInput(input, readOptions(options)) : input;
  const limitInputPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  // Said here, with the input's name: sharp's own words for it ("Input Buffer is empty") name nothing.
  if (bytes.length === 0) throw new DlError('INPUT_UNSUPPORTED', `${describe(input)}: empty, not an image`);
  let image: Sharp;
  let width: number;
  let height: number;
  try {
    // The constructor throws too (on arguments it refuses), not only the pipeline.
    image = sharp(bytes, { limitInputPixels, failOn: 'error' });
    // Reading the header here makes unsupported and truncated files fail at the boundary, with the input's name.
    const meta = await image.metadata();
    const sideways = (meta.orientation ?? 1) >= 5;
    [width, height] = sideways ? [meta.height, meta.width] : [meta.width, meta.height];
  } catch (error) {
    throw decodeError(input, error, limitInputPixels);
  }
  return { image: image.rotate().flatten({ background: '#ffffff' }).toColourspace('srgb'), width, height };
}

export function decodeError(input: ImageInput, error: unknown, maxPixels = DEFAULT_MAX_PIXELS): DlError {
  // libvips reports on several lines, the last one a dangling bracket: one line reads better anywhere.
  const message = errorMessage(error).trim().replace(/\s*\n\s*/g, '; ');
  if (/pixel limit/i.test(message)) {
    return new DlError('INPUT_TOO_LARGE', `${describe(input)}: image is over the ${maxPixels}-pixel limit`, { cause: error });
  }
  return new DlError('INPUT_UNREADABLE', `${describe(input)}: not a readable image (${message})`, { cause: error });
}

/** Decodes to upright 8-bit RGB at the image's own size. */
export async function decodeImage(input: ImageInput, options: DecodeOptions = {}): Promise<RgbImage> {
  const image = await openImage(input, options);
  try {
    const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw decodeError(input, error, options.maxPixels);
  }
}
