import type { Rng } from '@dlkit/core';

export interface AffineOptions {
  /** Image size and channels of the HWC features. */
  height: number;
  width: number;
  channels?: number;
  /** Largest rotation, degrees (default 12). */
  rotate?: number;
  /** Largest relative scale change (default 0.1: 0.9x to 1.1x). */
  scale?: number;
  /** Largest shift, pixels (default 2.5). */
  shift?: number;
  /** Largest shear, degrees (default 0). */
  shear?: number;
  /** Value outside the image (default 0: the black background of MNIST-style digits). */
  fill?: number;
  /** Mirror left-right with probability 1/2 (default false): right for garments, wrong for digits. */
  flip?: boolean;
}

/**
 * Random rotation, scale, shear and shift about the centre, bilinear, for small HWC images: the
 * augmentation that makes a digits CNN read handwriting it has not seen (Simard et al. 2003); optionally a
 * left-right mirror (garments, photos).
 */
export function randomAffine(options: AffineOptions): (features: Float32Array, rng: Rng) => Float32Array {
  const { height, width, channels = 1, fill = 0, flip = false } = options;
  const rotate = ((options.rotate ?? 12) * Math.PI) / 180;
  const shear = ((options.shear ?? 0) * Math.PI) / 180;
  const scale = options.scale ?? 0.1;
  const shift = options.shift ?? 2.5;
  const cy = (height - 1) / 2;
  const cx = (width - 1) / 2;
  return (src, rng) => {
    const angle = (rng() * 2 - 1) * rotate;
    const s = 1 + (rng() * 2 - 1) * scale;
    const sh = Math.tan((rng() * 2 - 1) * shear);
    const tx = (rng() * 2 - 1) * shift;
    const ty = (rng() * 2 - 1) * shift;
    // Drawn only when flipping, so that the digits recipe draws (and trains) exactly as before the option.
    const mirror = flip && rng() < 0.5;
    // Inverse map: output pixel -> source position.
    const cos = Math.cos(angle) / s;
    const sin = Math.sin(angle) / s;
    const out = new Float32Array(src.length);
    const at = (x: number, y: number, c: number) => (x < 0 || y < 0 || x >= width || y >= height ? fill : src[(y * width + x) * channels + c]!);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dx = x - cx - tx;
        const dy = y - cy - ty;
        const ax = cos * dx + sin * dy + sh * dy + cx;
        const sx = mirror ? width - 1 - ax : ax;
        const sy = -sin * dx + cos * dy + cy;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let c = 0; c < channels; c++) {
          const top = (1 - fx) * at(x0, y0, c) + fx * at(x0 + 1, y0, c);
          const bottom = (1 - fx) * at(x0, y0 + 1, c) + fx * at(x0 + 1, y0 + 1, c);
          out[(y * width + x) * channels + c] = (1 - fy) * top + fy * bottom;
        }
      }
    }
    return out;
  };
}
