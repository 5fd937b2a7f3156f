import sharp from 'sharp';
import type { Detection } from '../detect/postprocess.js';
import { drawFaces } from '../faces/draw-faces.js';
import type { Face } from '../faces/faces.js';
import { poseShapes } from '../pose/draw-pose.js';
import type { Pose } from '../pose/keypoints.js';
import type { RgbImage } from './decode.js';
import { drawDetections } from './draw.js';
import { textShapes } from '../ocr/draw-text.js';
import type { OcrResult } from '../ocr/postprocess.js';

export type DrawFormat = 'jpeg' | 'png';

/** An SVG the size of the image laid over it, encoded as JPEG or PNG. */
export async function overlaySvg(image: RgbImage, shapes: string, format: DrawFormat = 'jpeg'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}">${shapes}</svg>`;
  const drawn = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  return format === 'png' ? drawn.png().toBuffer() : drawn.jpeg({ quality: 90 }).toBuffer();
}

/** The image with each person's skeleton (limbs and keypoints over the floor) drawn. */
export const drawPoses = (image: RgbImage, poses: readonly Pose[], format: DrawFormat = 'jpeg'): Promise<Buffer> => overlaySvg(image, poseShapes(poses, image.width, image.height), format);

/** The image with a box around each line and word that OCR read (green: sure, orange: doubtful). */
export const drawText = (image: RgbImage, result: Pick<OcrResult, 'lines'>, format: DrawFormat = 'jpeg'): Promise<Buffer> => overlaySvg(image, textShapes(result, image.width, image.height), format);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const everyHas = (items: readonly unknown[], key: string) => items.length > 0 && items.every((item) => isObject(item) && key in item);

/**
 * One answer of any image task drawn on its image, told apart by its shape (not by the task's name, so a hub model
 * or a CLI transform that keeps the shape draws the same): `{faces}` or faces with landmarks, OCR's `{lines}`, people with
 * keypoints, boxes with labels. An empty answer is the image as it is.
 */
export async function drawAnswer(image: RgbImage, value: unknown, format: DrawFormat = 'jpeg'): Promise<Buffer> {
  if (isObject(value) && Array.isArray(value.faces)) return drawFaces(image, value.faces as Face[], format);
  if (isObject(value) && Array.isArray(value.lines)) return drawText(image, value as unknown as OcrResult, format);
  const items: readonly unknown[] = Array.isArray(value) ? value : [];
  if (everyHas(items, 'landmarks')) return drawFaces(image, items as Face[], format);
  if (everyHas(items, 'keypoints')) return drawPoses(image, items as Pose[], format);
  return drawDetections(image, items as Detection[], format);
}
