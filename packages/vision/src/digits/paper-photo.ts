import sharp from 'sharp';
import type { Rng } from '@dlkit/core';

/**
 * Renders a 28x28 MNIST digit (ink high, bytes) as a stand-in for a phone photo of it on paper: dark ink on
 * uneven, noisy grey paper, 230 px tall, at (left, top) in a 420x340 JPEG. Used by tests and the sample
 * script to check the MNIST normalisation on real handwriting at photo scale; not part of the API.
 */
export async function digitOnPaper(pixels: Uint8Array, rng: Rng, at: { left: number; top: number }): Promise<Buffer> {
  const size = 230;
  const ink = await sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } }).resize(size, size, { kernel: 'cubic' }).toColourspace('b-w').raw().toBuffer();
  const [width, height] = [420, 340];
  const photo = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const paper = 215 + 25 * (x / width) - 15 * (y / height) + (rng() - 0.5) * 16;
      const inside = x >= at.left && x < at.left + size && y >= at.top && y < at.top + size;
      const a = inside ? ink[(y - at.top) * size + (x - at.left)]! / 255 : 0;
      const v = Math.max(0, Math.min(255, paper * (1 - a) + 40 * a));
      photo[(y * width + x) * 3] = v;
      photo[(y * width + x) * 3 + 1] = v * 0.98;
      photo[(y * width + x) * 3 + 2] = v * 0.93;
    }
  }
  return sharp(photo, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}
