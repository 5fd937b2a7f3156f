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

/**
 * The bytes of an image input: a path, an http(s) URL or `-` (stdin) read by core, which decides which of those it
 * may read; a buffer as given.
 */
export async function readImage(input: ImageInput, options: DecodeOptions = {}): Promise<Uint8Array> {
  const bytes = typeof input === 'string' ? await readInput(input, readOptions(options)) : input;
  // Said here, with the input's name: sharp's own words for it ("Input Buffer is empty") name nothing.
  if (bytes.length === 0) throw new DlError('INPUT_UNSUPPORTED', `${describe(input)}: empty, not an image`);
  return bytes;
}

/**
 * A sharp pipeline over the bytes of `input`, upright (EXIF orientation applied), alpha flattened onto white, sRGB.
 * The header is not read here: a file libvips cannot read fails when the pipeline runs, and the callers turn that
 * into `decodeError` with the input's name, as they do any pipeline failure.
 */
export function openBytes(input: ImageInput, bytes: Uint8Array, options: DecodeOptions = {}): Sharp {
  const limitInputPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    // The constructor throws too (on arguments it refuses), not only the pipeline.
    return sharp(bytes, { limitInputPixels, failOn: 'error' }).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
  } catch (error) {
    throw decodeError(input, error, limitInputPixels);
  }
}

/**
 * The upright size of the image in `bytes` (EXIF orientations 5-8 swap width and height), from its header as libvips
 * reads it: ~1 ms and a thread-pool round trip, so only for callers that need the size before the pipeline runs.
 * Unsupported and truncated headers fail here, with the input's name.
 */
export async function uprightSize(input: ImageInput, bytes: Uint8Array, options: DecodeOptions = {}): Promise<{ width: number; height: number }> {
  const limitInputPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    const meta = await sharp(bytes, { limitInputPixels, failOn: 'error' }).metadata();
    const sideways = (meta.orientation ?? 1) >= 5;
    return sideways ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
  } catch (error) {
    throw decodeError(input, error, limitInputPixels);
  }
}

/** A sharp pipeline over the input, upright and without alpha (see `openBytes`). */
export async function openImage(input: ImageInput, options: DecodeOptions = {}): Promise<Sharp> {
  return openBytes(input, await readImage(input, options), options);
}

/** `openImage` with the upright size, read from the header first (see `uprightSize`). */
export async function openUpright(input: ImageInput, options: DecodeOptions = {}): Promise<{ image: Sharp; width: number; height: number }> {
  const bytes = await readImage(input, options);
  const { width, height } = await uprightSize(input, bytes, options);
  return { image: openBytes(input, bytes, options), width, height };
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
