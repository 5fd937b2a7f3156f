import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The committed astronaut (512 x 512, one person: pose/fixtures/SOURCE.md). */
export const ASTRONAUT = fileURLToPath(new URL('../pose/fixtures/astronaut.jpg', import.meta.url));

/** n x n copies of the astronaut, each `side` px, in one JPEG (a group photo whose people are all the same size). */
export async function astronautGrid(n: number, side = 512): Promise<Buffer> {
  const one = await sharp(ASTRONAUT).resize(side).toBuffer();
  const composite = Array.from({ length: n * n }, (_, i) => ({ input: one, left: (i % n) * side, top: Math.floor(i / n) * side }));
  return sharp({ create: { width: n * side, height: n * side, channels: 3, background: '#000000' } }).composite(composite).jpeg().toBuffer();
}

/** One astronaut at (left, top) on a black width x height canvas. */
export async function astronautAt(width: number, height: number, left: number, top: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#000000' } }).composite([{ input: ASTRONAUT, left, top }]).jpeg().toBuffer();
}
