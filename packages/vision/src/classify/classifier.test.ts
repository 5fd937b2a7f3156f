import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { SAMPLE_IMAGE } from '../embedded.js';
import { pipeline, type ImageClassificationPipeline } from '../pipeline.js';

// Real photos from the data mirror (DL_DATA_MIRROR: ../shared/data here), read in place.
const IMAGES = testDataFile('images');
const photo = (name: string) => join(IMAGES ?? '', name);
const CATS = ['Egyptian Mau', 'tabby cat', 'tiger cat', 'Persian cat', 'Siamese cat', 'lynx'];

describe.skipIf(!IMAGES)('classify on the embedded MobileNetV2 (real model, real photos)', () => {
  let classifier: ImageClassificationPipeline;
  let scratch: string;
  beforeAll(async () => {
    classifier = await pipeline('image-classification');
    scratch = await mkdtemp(join(tmpdir(), 'dlkit-classify-'));
  });
  afterAll(async () => {
    await classifier.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('names the cat in the bundled sample photo', async () => {
    const top = await classifier(SAMPLE_IMAGE, { topK: 5 });
    expect(top).toHaveLength(5);
    expect(CATS).toContain(top[0]!.label);
    expect(top[0]!.score).toBeGreaterThan(0.3);
    for (let i = 1; i < top.length; i++) expect(top[i]!.score).toBeLessThanOrEqual(top[i - 1]!.score);
  });

  it('recognises an espresso and a dog in real photos', async () => {
    const [coffee] = await classifier(photo('coffee.png'), { topK: 1 });
    expect(['espresso', 'cup', 'coffee mug']).toContain(coffee!.label);
    const dog = await classifier(photo('dog.jpg'), { topK: 3 });
    expect(dog.map((p) => p.label)).toEqual(expect.arrayContaining(['Alaskan Malamute']));
  });

  it('gives the same labels for a Buffer, a rotated-by-EXIF copy and a PNG with alpha', async () => {
    const expected = (await classifier(SAMPLE_IMAGE, { topK: 1 }))[0]!.label;
    const bytes = await sharp(SAMPLE_IMAGE).toBuffer();
    expect((await classifier(bytes, { topK: 1 }))[0]!.label).toBe(expected);
    // Stored sideways with an EXIF tag saying "rotate 90": decoding must put it upright again.
    const sideways = await sharp(SAMPLE_IMAGE).rotate(-90).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await classifier(sideways, { topK: 1 }))[0]!.label).toBe(expected);
    const withAlpha = await sharp(SAMPLE_IMAGE).ensureAlpha().png().toBuffer();
    expect((await classifier(withAlpha, { topK: 1 }))[0]!.label).toBe(expected);
  });

  it('reads every format sharp decodes: WebP, GIF (first frame), TIFF, AVIF, SVG, 16-bit PNG, grey, CMYK', async () => {
    const expected = (await classifier(SAMPLE_IMAGE, { topK: 1 }))[0]!.label;
    const photo = sharp(SAMPLE_IMAGE);
    const embedded = (await photo.clone().jpeg().toBuffer()).toString('base64');
    const { width, height } = await photo.metadata();
    const svg = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}"><image width="${width}" height="${height}" xlink:href="data:image/jpeg;base64,${embedded}"/></svg>`,
    );
    const grey = await photo.clone().greyscale().jpeg().toBuffer();
    const formats: Record<string, Buffer> = {
      webp: await photo.clone().webp().toBuffer(),
      gif: await photo.clone().gif().toBuffer(),
      tiff: await photo.clone().tiff().toBuffer(),
      avif: await photo.clone().avif({ quality: 70 }).toBuffer(),
      svg,
      png16: await photo.clone().toColourspace('rgb16').png().toBuffer(),
      cmyk: await photo.clone().toColourspace('cmyk').jpeg().toBuffer(),
    };
    expect((await sharp(formats.png16).metadata()).depth).toBe('ushort');
    expect((await sharp(formats.cmyk).metadata()).space).toBe('cmyk');
    const results = await classifier.each([...Object.values(formats), grey], { topK: 3 });
    Object.keys(formats).forEach((name, i) => {
      const r = results[i]!;
      expect(r.ok ? r.value[0]!.label : r.error.message, name).toBe(expected);
    });
    // A grey photo loses the colour that tells cat breeds apart; a cat must still be among the top 3.
    const greyResult = results.at(-1)!;
    expect(greyResult.ok && greyResult.value.some((p) => CATS.includes(p.label))).toBe(true);
  });

  it('fails a bad input alone, with a typed error, and still classifies the rest of the batch', async () => {
    const notAnImage = join(scratch, 'notes.jpg');
    await writeFile(notAnImage, 'this is text with an image extension');
    const truncated = join(scratch, 'truncated.jpg');
    const jpeg = await sharp(SAMPLE_IMAGE).jpeg().toBuffer();
    await writeFile(truncated, jpeg.subarray(0, 200));
    const results = await classifier.each([SAMPLE_IMAGE, join(scratch, 'missing.jpg'), notAnImage, truncated, SAMPLE_IMAGE]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'INPUT_NOT_FOUND',
      'INPUT_UNREADABLE',
      'INPUT_UNREADABLE',
      'ok',
    ]);
  });

  it('refuses an image over the pixel limit with INPUT_TOO_LARGE', async () => {
    const small = await pipeline('image-classification', undefined, { maxPixels: 100 * 100 });
    try {
      await expect(small(SAMPLE_IMAGE)).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
    } finally {
      await small.dispose();
    }
  });

});
