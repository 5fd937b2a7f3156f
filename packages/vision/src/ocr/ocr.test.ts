import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { pipeline, type ImageToTextPipeline } from '../pipeline.js';
import { requireOptional } from './engine.js';
import type { OcrResult } from './postprocess.js';

// Rendered by fixtures/render.mjs (DejaVu Sans through librsvg) and committed, so that no test needs fonts.
const FIXTURE = fileURLToPath(new URL('fixtures/lines.png', import.meta.url));
const EXPECTED = JSON.parse(readFileSync(fileURLToPath(new URL('fixtures/lines.json', import.meta.url)), 'utf8')) as {
  width: number;
  height: number;
  lines: string[];
  bands: Array<{ top: number; bottom: number }>;
};
const IMAGES = testDataFile('images');

const words = (result: OcrResult) => result.lines.flatMap((l) => l.words);
const lineTexts = (result: OcrResult) => result.lines.map((l) => l.text);

describe('image-to-text (tesseract.js, English LSTM from @tesseract.js-data/eng)', () => {
  let ocr: ImageToTextPipeline;
  beforeAll(async () => {
    ocr = await pipeline('image-to-text');
  });
  afterAll(() => ocr.dispose());

  it('reads each rendered line word for word, with every word box inside its line band in input pixels', async () => {
    const result = await ocr(FIXTURE);
    expect(lineTexts(result)).toEqual(EXPECTED.lines);
    expect(result.text.split(/\n+/)).toEqual(EXPECTED.lines);
    expect(result.orientation.degrees).toBe(0);
    expect(result.warning).toBeUndefined();
    for (const [i, line] of result.lines.entries()) {
      const band = EXPECTED.bands[i]!;
      expect(line.confidence).toBeGreaterThan(0.85);
      for (const word of line.words) {
        expect(word.box.ymin).toBeGreaterThanOrEqual(band.top - 2);
        expect(word.box.ymax).toBeLessThanOrEqual(band.bottom + 2);
        expect(word.box.xmax).toBeLessThanOrEqual(EXPECTED.width);
      }
      // Left to right, no overlap.
      for (let w = 1; w < line.words.length; w++) expect(line.words[w]!.box.xmin).toBeGreaterThan(line.words[w - 1]!.box.xmax);
    }
  });

  it.each([90, 180, 270] as const)('reads a page turned %i degrees clockwise upright, reports that turn, and boxes the words where they are in the turned image', async (degrees) => {
    const upright = await ocr(FIXTURE);
    const turned = await sharp(FIXTURE).rotate(degrees).png().toBuffer();
    const result = await ocr(turned);
    expect(lineTexts(result)).toEqual(EXPECTED.lines);
    expect(result.orientation.degrees).toBe(degrees);
    const [W, H] = [EXPECTED.width, EXPECTED.height];
    // Where the first word's upright box lands once the image is turned clockwise.
    const b = words(upright)[0]!.box;
    const expected = {
      90: { xmin: H - b.ymax, ymin: b.xmin, xmax: H - b.ymin, ymax: b.xmax },
      180: { xmin: W - b.xmax, ymin: H - b.ymax, xmax: W - b.xmin, ymax: H - b.ymin },
      270: { xmin: b.ymin, ymin: W - b.xmax, xmax: b.ymax, ymax: W - b.xmin },
    }[degrees];
    const got = words(result)[0]!.box;
    for (const k of ['xmin', 'ymin', 'xmax', 'ymax'] as const) expect(Math.abs(got[k] - expected[k])).toBeLessThanOrEqual(3);
  });

  it('finds the turn of a page over 1,600 px on a smaller copy, then reads it and boxes its words at full size', async () => {
    const big = await sharp(FIXTURE).resize({ width: EXPECTED.width * 3 }).rotate(180).png().toBuffer();
    const result = await ocr(big);
    expect(lineTexts(result)).toEqual(EXPECTED.lines);
    expect(result.orientation.degrees).toBe(180);
    const last = result.lines.at(-1)!.words.at(-1)!.box; // "order", near the top left once turned
    expect(last.xmin).toBeLessThan(EXPECTED.width * 3 / 2);
    expect(last.ymax).toBeLessThan(EXPECTED.height * 3 / 2);
  });

  it('keeps the page as it is when autoRotate is false', async () => {
    const result = await ocr(await sharp(FIXTURE).rotate(180).png().toBuffer(), { autoRotate: false });
    expect(result.orientation.degrees).toBe(0);
    expect(lineTexts(result)).not.toEqual(EXPECTED.lines);
  });

  it('reads one line with layout "line" from a crop of the fixture', async () => {
    const band = EXPECTED.bands[1]!;
    const crop = await sharp(FIXTURE).extract({ left: 0, top: band.top - 6, width: EXPECTED.width, height: band.bottom - band.top + 12 }).png().toBuffer();
    expect((await ocr(crop, { layout: 'line' })).text).toBe(EXPECTED.lines[1]);
  });

  it.skipIf(!IMAGES)('gives an empty text for photos without text (a cat, a coffee cup), not confident garbage', async () => {
    for (const name of ['chelsea.png', 'coffee.png']) {
      const result = await ocr(join(IMAGES!, name));
      expect(result.text).toBe('');
      expect(result.lines).toEqual([]);
      expect(result.orientation.degrees).toBe(0);
    }
  });

  it.skipIf(!IMAGES)('drops the low-confidence lines a single-block read guesses on the coffee photo, and says so in warning', async () => {
    const photo = join(IMAGES!, 'coffee.png');
    const guesses = await ocr(photo, { layout: 'block', minConfidence: 0, autoRotate: false });
    expect(words(guesses).length).toBeGreaterThan(5);
    expect(Math.max(...words(guesses).map((w) => w.confidence))).toBeLessThan(0.7);
    // The default floor (0.5, on each line's mean) keeps none of them, and says why the answer is empty.
    const kept = await ocr(photo, { layout: 'block', autoRotate: false });
    expect(kept.text).toBe('');
    expect(kept.warning).toMatch(/^no text read with confidence >= 0\.5: \d+ words in lines under minConfidence 0\.5 dropped/);
  });

  it('refuses an image over maxPixels as INPUT_TOO_LARGE before Tesseract sees it', async () => {
    const small = await pipeline('image-to-text', undefined, { maxPixels: 10_000 });
    try {
      await expect(small(FIXTURE)).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
    } finally {
      await small.dispose();
    }
  });

  it('gives up on an image after timeoutMs as MODEL_RUNTIME with a raise-option hint (the worker is terminated)', async () => {
    const hasty = await pipeline('image-to-text', undefined, { timeoutMs: 100 });
    try {
      const big = await sharp(FIXTURE).resize({ width: EXPECTED.width * 4 }).png().toBuffer();
      await expect(hasty(big)).rejects.toMatchObject({ code: 'MODEL_RUNTIME', hint: { kind: 'raise-option', option: 'timeoutMs', value: 200 } });
    } finally {
      await hasty.dispose();
    }
  });

  it('refuses a langPath URL (INVALID_ARGUMENT), a folder without the language (MODEL_NOT_FOUND) and a model other than tesseract-eng', async () => {
    await expect(pipeline('image-to-text', undefined, { langPath: 'https://example.com/tessdata' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'langPath' });
    const folder = fileURLToPath(new URL('fixtures', import.meta.url));
    await expect(pipeline('image-to-text', undefined, { languages: ['fra'], langPath: folder })).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(pipeline('image-to-text', 'mobilenetv2')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(pipeline('image-to-text', undefined, { languages: ['eng', 'fra'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'langPath' });
  });

  it('refuses a bad layout and an out-of-range minConfidence by name (INVALID_ARGUMENT)', async () => {
    await expect(ocr(FIXTURE, { layout: 'columns' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'layout' });
    await expect(ocr(FIXTURE, { minConfidence: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'minConfidence' });
  });
});

describe('image-to-text without its optional peers', () => {
  it('a language whose @tesseract.js-data package is not installed is DEPENDENCY_MISSING naming its npm install', async () => {
    await expect(pipeline('image-to-text', undefined, { languages: ['fra'] })).rejects.toMatchObject({
      code: 'DEPENDENCY_MISSING',
      message: expect.stringContaining('npm install @tesseract.js-data/fra@1.0.0'),
      hint: { kind: 'install', what: '@tesseract.js-data/fra@1.0.0' },
    });
  });

  it('a package that is not installed (a real missing name, as tesseract.js would be) is DEPENDENCY_MISSING; a present one loads', () => {
    expect(() => requireOptional('@dlkit/no-such-package', '1.2.3', 'OCR (image-to-text)')).toThrow(expect.objectContaining({ code: 'DEPENDENCY_MISSING', hint: { kind: 'install', what: '@dlkit/no-such-package@1.2.3' } }));
    expect(typeof requireOptional<{ createWorker: unknown }>('tesseract.js', '7.0.0', 'OCR').createWorker).toBe('function');
  });
});
