import sharp from 'sharp';
import { DlError, isDlError } from '@dlkit/core';
import { decodeError, openImage, type DecodeOptions, type ImageInput } from '../image/decode.js';

/** Photos are shrunk to this before the pixel loops; a digit needs far fewer pixels than a camera gives. */
const WORK_SIZE = 256;
/** Ink fainter than this fraction of the strongest stroke is paper texture or shadow, not writing. */
const INK_FLOOR = 0.2;

/** Grey levels (0-255, one channel) with ink high and background 0, scaled so the strongest ink is 1. */
function inkMap(grey: Uint8Array, width: number, height: number): Float32Array {
  // The border is background: its median tells the polarity (dark ink on paper vs a white-on-black digit).
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(grey[x]!, grey[(height - 1) * width + x]!);
  for (let y = 0; y < height; y++) border.push(grey[y * width]!, grey[y * width + width - 1]!);
  border.sort((a, b) => a - b);
  const background = border[Math.floor(border.length / 2)]!;
  const lightPaper = background > 127;
  const ink = Float32Array.from(grey, (v) => Math.max(0, lightPaper ? background - v : v - background));
  let max = 0;
  for (const v of ink) max = Math.max(max, v);
  if (max < 32) throw new DlError('INPUT_UNREADABLE', 'no digit found: the image has no strokes that stand out from its background');
  return ink.map((v) => (v < INK_FLOOR * max ? 0 : v / max));
}

/**
 * The MNIST recipe (LeCun et al.): crop to the ink, scale the longer side to 20 pixels keeping the aspect,
 * and place it in a 28x28 field with its centre of mass at the centre.
 */
async function mnistField(ink: Float32Array, width: number, height: number): Promise<Float32Array> {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const crop = Buffer.alloc(cw * ch);
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) crop[y * cw + x] = Math.round(255 * ink[(y0 + y) * width + x0 + x]!);
  const scale = 20 / Math.max(cw, ch);
  const w = Math.max(1, Math.round(cw * scale));
  const h = Math.max(1, Math.round(ch * scale));
  const small = await sharp(crop, { raw: { width: cw, height: ch, channels: 1 } })
    .resize({ width: w, height: h, fit: 'fill', kernel: 'cubic' })
    .toColourspace('b-w') // sharp writes sRGB by default, even from one channel
    .raw()
    .toBuffer();
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const left = Math.round(14 - (mass > 0 ? mx / mass : w / 2) - 0.5);
  const top = Math.round(14 - (mass > 0 ? my / mass : h / 2) - 0.5);
  const field = new Float32Array(28 * 28);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const fx = left + x;
      const fy = top + y;
      if (fx >= 0 && fx < 28 && fy >= 0 && fy < 28) field[fy * 28 + fx] = small[y * w + x]! / 255;
    }
  }
  return field;
}

/** Any image of one handwritten digit (a 28x28 MNIST image, a scan, a photo of paper) as a 28x28x1 MNIST field. */
export async function loadDigit(input: ImageInput, options: DecodeOptions = {}): Promise<Float32Array> {
  const image = await openImage(input, options);
  let grey: Buffer;
  let width: number;
  let height: number;
  try {
    const { data, info } = await image
      .resize({ width: WORK_SIZE, height: WORK_SIZE, fit: 'inside', withoutEnlargement: true })
      .greyscale()
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected one grey channel, got ${info.channels}`);
    [grey, width, height] = [data, info.width, info.height];
  } catch (error) {
    throw decodeError(input, error, options.maxPixels);
  }
  try {
    return await mnistField(inkMap(grey, width, height), width, height);
  } catch (error) {
    if (isDlError(error)) throw new DlError(error.code, `${typeof input === 'string' ? input : '<buffer>'}: ${error.message}`, { cause: error });
    throw error;
  }
}
