import sharp from 'sharp';
import type { Detection } from '../detect/postprocess.js';
import type { RgbImage } from './decode.js';

/** Distinct, readable colours; a label always gets the same one. */
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990', '#dcbeff', '#9a6324', '#800000', '#aaffc3', '#808000', '#000075'];

export function colourFor(label: string): string {
  let h = 0;
  for (const c of label) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length]!;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The image with each detection drawn as a box and a "label score" tag, as JPEG or PNG bytes. Weakest first, so
 * where boxes or tags overlap the strongest is on top, whatever order the detections come in.
 */
export async function drawDetections(image: RgbImage, detections: readonly Detection[], format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const stroke = Math.max(2, Math.round(Math.min(image.width, image.height) / 200));
  const font = Math.max(12, Math.round(Math.min(image.width, image.height) / 30));
  const weakestFirst = [...detections].sort((a, b) => a.score - b.score);
  const shapes = weakestFirst.map(({ label, score, box }) => {
    const colour = colourFor(label);
    const text = `${label} ${(score * 100).toFixed(0)}%`;
    const tagWidth = Math.round(text.length * font * 0.6 + 8);
    const tagY = box.ymin >= font + 4 ? box.ymin - font - 4 : box.ymin;
    return [
      `<rect x="${box.xmin}" y="${box.ymin}" width="${box.xmax - box.xmin}" height="${box.ymax - box.ymin}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`,
      `<rect x="${box.xmin}" y="${tagY}" width="${tagWidth}" height="${font + 4}" fill="${colour}"/>`,
      `<text x="${box.xmin + 4}" y="${tagY + font}" font-family="sans-serif" font-size="${font}" fill="#ffffff">${escape(text)}</text>`,
    ].join('');
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}">${shapes.join('')}</svg>`;
  const drawn = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  return format === 'png' ? drawn.png().toBuffer() : drawn.jpeg({ quality: 90 }).toBuffer();
}
