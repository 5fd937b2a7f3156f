import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SAMPLE_IMAGE } from '../embedded.js';
import { centralBand, createPreprocessor, type RgbCropSpec } from './preprocess.js';

// Mean 0 and std 1 in HWC order leave the crop's bytes readable: each float is byte / 255.
const SPEC: RgbCropSpec = { kind: 'rgb-crop', layout: 'NHWC', width: 224, height: 224, resizeShorterSide: 256, mean: [0, 0, 0], std: [1, 1, 1] };

/** The resized, centre-cropped RGB bytes the classifier's pre-processing makes of `input`. */
async function loadForClassifier(input: Buffer): Promise<Uint8Array> {
  const floats = await createPreprocessor(SPEC).load(input, {});
  return Uint8Array.from(floats, (v) => Math.round(v * 255));
}

describe('classifier pre-processing (resize the shorter side, centre-crop)', () => {
  it('crops a 1x3000 strip to 224x224 without making the 256x768,000 image in between', async () => {
    const strip = await sharp({ create: { width: 1, height: 3000, channels: 3, background: '#336699' } }).png().toBuffer();
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const rgb = await loadForClassifier(strip);
    expect(rgb.length).toBe(224 * 224 * 3);
    expect(performance.now() - started).toBeLessThan(2000);
    expect((process.memoryUsage().rss - before) / 2 ** 20).toBeLessThan(100);
    expect([rgb[0], rgb[1], rgb[2]]).toEqual([0x33, 0x66, 0x99]);
  });

  it('gives the same crop as resizing the whole image, for a 3:1 panorama', async () => {
    const panorama = await sharp(SAMPLE_IMAGE).resize(1200, 400, { fit: 'fill' }).png().toBuffer();
    const whole = await sharp(panorama).resize({ width: 256, height: 256, fit: 'outside', kernel: 'lanczos3' }).extract({ left: Math.floor((768 - 224) / 2), top: 16, width: 224, height: 224 }).removeAlpha().raw().toBuffer();
    const banded = await loadForClassifier(panorama);
    let worst = 0;
    for (let i = 0; i < whole.length; i++) worst = Math.max(worst, Math.abs(whole[i]! - banded[i]!));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('leaves images of up to 2:1 whole', () => {
    expect(centralBand(640, 480)).toBeUndefined();
    expect(centralBand(200, 100)).toBeUndefined();
    expect(centralBand(1, 3000)).toEqual({ left: 0, top: 1499, width: 1, height: 2 });
    expect(centralBand(3000, 400)).toEqual({ left: 1100, top: 0, width: 800, height: 400 });
  });
});
