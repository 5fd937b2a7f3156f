import sharp from 'sharp';
import type { RgbImage } from '../image/decode.js';
import type { Face } from './faces.js';

const COLOUR = '#42d4f4';

/** The image with each face's box and a "#index score" tag, in the order given (the CLI's, largest first). */
export async function drawFaces(image: RgbImage, faces: readonly Face[], format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const stroke = Math.max(2, Math.round(Math.min(image.width, image.height) / 200));
  const font = Math.max(12, Math.round(Math.min(image.width, image.height) / 30));
  const shapes = faces.map(({ score, box }, i) => {
    const text = `#${i + 1} ${(score * 100).toFixed(0)}%`;
    const tagWidth = Math.round(text.length * font * 0.6 + 8);
    // Above the box when there is room, else inside it.
    const tagY = box.ymin >= font + 4 ? box.ymin - font - 4 : box.ymin;
    return [
      `<rect x="${box.xmin}" y="${box.ymin}" width="${box.xmax - box.xmin}" height="${box.ymax - box.ymin}" fill="none" stroke="${COLOUR}" stroke-width="${stroke}"/>`,
      `<rect x="${box.xmin}" y="${tagY}" width="${tagWidth}" height="${font + 4}" fill="${COLOUR}"/>`,
      `<text x="${box.xmin + 4}" y="${tagY + font}" font-family="sans-serif" font-size="${font}" fill="#000000">${text}</text>`,
    ].join('');
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${image.width}" height="${image.height}">${shapes.join('')}</svg>`;
  const drawn = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  return format === 'png' ? drawn.png().toBuffer() : drawn.jpeg({ quality: 90 }).toBuffer();
}
