import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SAMPLE_IMAGE } from '../embedded.js';
import { centralBand, createPreprocessor, normalizationTable, normalizeCrop, parseClassifierInput, type RgbCropSpec } from './preprocess.js';

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

  it('bands a sideways 3:1 JPEG along its upright long side (the EXIF orientation read for it)', async () => {
    const upright = await sharp(SAMPLE_IMAGE).resize(400, 1200, { fit: 'fill' }).png().toBuffer();
    const sideways = await sharp(upright).rotate(-90).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const [fromUpright, fromSideways] = [await loadForClassifier(upright), await loadForClassifier(sideways)];
    let worst = 0;
    for (let i = 0; i < fromUpright.length; i++) worst = Math.max(worst, Math.abs(fromUpright[i]! - fromSideways[i]!));
    expect(worst).toBeLessThanOrEqual(12);
  });

  it('refuses a manifest that would resize the shorter side below its crop, as MODEL_INVALID', () => {
    const input = { ...SPEC, resizeShorterSide: 200 };
    expect(() => parseClassifierInput(input, 'small')).toThrow(expect.objectContaining({ code: 'MODEL_INVALID', message: expect.stringContaining('resizeShorterSide must be at least') }));
    expect(parseClassifierInput({ ...input, resizeShorterSide: 224 }, 'exact')).toMatchObject({ kind: 'rgb-crop' });
  });

  it('leaves images of up to 2:1 whole', () => {
    expect(centralBand(640, 480)).toBeUndefined();
    expect(centralBand(200, 100)).toBeUndefined();
    expect(centralBand(1, 3000)).toEqual({ left: 0, top: 1499, width: 1, height: 2 });
    expect(centralBand(3000, 400)).toEqual({ left: 1100, top: 0, width: 800, height: 400 });
  });
});

describe('normalizeCrop (tiny hand-made image)', () => {
  // A 4x3 RGB image whose bytes count up, and the centre 2x1 of it: pixels (1,1) and (2,1), bytes 15-20.
  const rgb = { data: Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => i), width: 4, height: 3 };
  const spec = (layout: 'NCHW' | 'NHWC'): RgbCropSpec => ({ kind: 'rgb-crop', layout, width: 2, height: 1, mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] });
  const expected = (byte: number, c: number) => Math.fround((byte / 255 - spec('NCHW').mean[c]!) / spec('NCHW').std[c]!);

  it('crops the centre and gives each channel (v / 255 - mean) / std, planes in NCHW, interleaved in NHWC', () => {
    const table = normalizationTable(spec('NCHW'));
    const [r1, g1, b1, r2, g2, b2] = [15, 16, 17, 18, 19, 20];
    expect([...normalizeCrop(rgb, spec('NCHW'), table)]).toEqual([expected(r1, 0), expected(r2, 0), expected(g1, 1), expected(g2, 1), expected(b1, 2), expected(b2, 2)]);
    expect([...normalizeCrop(rgb, spec('NHWC'), table)]).toEqual([expected(r1, 0), expected(g1, 1), expected(b1, 2), expected(r2, 0), expected(g2, 1), expected(b2, 2)]);
  });
});
