import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { crc32, deflateSync, gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, type ImageToTextPipeline } from '../pipeline.js';

// Hostile inputs for image-to-text on the real Tesseract LSTM (English): images and language folders generated in a
// temp folder from the committed fixture (fixtures/lines.png, three lines of rendered text).
const FIXTURE = fileURLToPath(new URL('fixtures/lines.png', import.meta.url));
const LINES = (JSON.parse(readFileSync(fileURLToPath(new URL('fixtures/lines.json', import.meta.url)), 'utf8')) as { lines: string[] }).lines;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-ocr-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid-looking PNG of 150 bytes whose header declares width x height RGB pixels (a decompression bomb's header). */
function bombPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1 + width * 3))), chunk('IEND', Buffer.alloc(0))]);
}

/** Threads of this process (the tesseract.js workers are threads of it). */
const threads = () => readdirSync('/proc/self/task').length;

const lineTexts = (result: { lines: Array<{ text: string }> }) => result.lines.map((l) => l.text);

describe('image-to-text on hostile images (real Tesseract, English)', () => {
  let ocr: ImageToTextPipeline;
  beforeAll(async () => {
    ocr = await pipeline('image-to-text', undefined, { timeoutMs: 20_000 });
  });
  afterAll(() => ocr?.dispose());

  it('a 150-byte PNG declaring 60,000 x 60,000 pixels is INPUT_TOO_LARGE from its header, nothing decoded', async () => {
    await expect(ocr(bombPng(60_000, 60_000))).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
  });

  it('a strip 40,000 px wide (past Tesseract\'s 32,767 px a side) is read at the scale that fits: the fixture\'s lines, boxes in input pixels', async () => {
    const strip = await sharp(FIXTURE).extend({ right: 40_000 - 640, background: '#ffffff' }).png().toBuffer();
    const result = await ocr(strip);
    expect(lineTexts(result)).toEqual(LINES);
    for (const line of result.lines) expect(line.box.xmax).toBeLessThanOrEqual(660);
  });

  it('1x1, 1x100000 and 100000x1 images answer no text (no crash, no hang)', async () => {
    for (const [width, height] of [[1, 1], [1, 100_000], [100_000, 1]] as const) {
      const image = await sharp({ create: { width, height, channels: 3, background: '#000000' } }).png().toBuffer();
      const result = await ocr(image);
      expect(result, `${width}x${height}`).toMatchObject({ text: '', lines: [] });
    }
  });

  it('reads the fixture from an animated GIF (first frame), a CMYK JPEG, a 16-bit PNG, a grey PNG and black text on a transparent PNG', async () => {
    const page = await sharp(FIXTURE).toBuffer({ resolveWithObject: true });
    const grey = await sharp(FIXTURE).grayscale().raw().toBuffer({ resolveWithObject: true });
    // Every pixel black; the text only in the alpha: read unflattened, the page would be black.
    const rgba = Buffer.alloc(grey.info.width * grey.info.height * 4);
    for (let i = 0; i < grey.info.width * grey.info.height; i++) rgba[i * 4 + 3] = 255 - grey.data[i * grey.info.channels]!;
    const blank = await sharp({ create: { width: page.info.width, height: page.info.height, channels: 3, background: '#808080' } }).png().toBuffer();
    const images: Record<string, Buffer> = {
      gif: await sharp([FIXTURE, blank], { join: { animated: true } }).gif().toBuffer(),
      cmyk: await sharp(FIXTURE).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(),
      png16: await sharp(FIXTURE).toColourspace('rgb16').png().toBuffer(),
      grey: await sharp(FIXTURE).grayscale().png().toBuffer(),
      alpha: await sharp(rgba, { raw: { width: grey.info.width, height: grey.info.height, channels: 4 } }).png().toBuffer(),
    };
    expect((await sharp(images.png16!).metadata()).depth).toBe('ushort');
    expect((await sharp(images.cmyk!).metadata()).space).toBe('cmyk');
    for (const [name, image] of Object.entries(images)) expect(lineTexts(await ocr(image)), name).toEqual(LINES);
  });

  it('a FIFO is refused as not a regular file, without blocking on it', async () => {
    const fifo = join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    await expect(ocr(fifo)).rejects.toMatchObject({ code: expect.stringMatching(/^INPUT_/) });
  });
});

describe('image-to-text language folders and codes (langPath, languages)', () => {
  it('a language code with a path in it (../../etc/passwd) is INVALID_ARGUMENT before anything is read', async () => {
    await expect(pipeline('image-to-text', undefined, { languages: ['../../etc/passwd'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a malformed eng.traineddata (1 MB of noise) is MODEL_INVALID, a 201 MB one is refused by its size, a URL is refused, and no worker thread is left behind', async () => {
    const before = threads();
    const noise = join(dir, 'noise');
    const huge = join(dir, 'huge');
    execFileSync('mkdir', ['-p', noise, huge]);
    writeFileSync(join(noise, 'eng.traineddata'), Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24)));
    writeFileSync(join(huge, 'eng.traineddata'), '');
    truncateSync(join(huge, 'eng.traineddata'), 201 * 1024 * 1024); // sparse: nothing is written
    await expect(pipeline('image-to-text', undefined, { langPath: noise })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    await expect(pipeline('image-to-text', undefined, { langPath: huge })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
    await expect(pipeline('image-to-text', undefined, { langPath: 'https://example.com/tessdata' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    while (threads() > before) await new Promise((r) => setTimeout(r, 50));
  });

  it('a langPath holding the packaged English traineddata, gzipped or not, passes the check and reads the fixture', async () => {
    const packaged = join(dirname(createRequire(import.meta.url).resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int', 'eng.traineddata.gz');
    for (const gzip of [true, false]) {
      const folder = join(dir, gzip ? 'gz' : 'raw');
      execFileSync('mkdir', ['-p', folder]);
      const bytes = readFileSync(packaged);
      writeFileSync(join(folder, gzip ? 'eng.traineddata.gz' : 'eng.traineddata'), gzip ? bytes : gunzipSync(bytes));
      const ocr = await pipeline('image-to-text', undefined, { langPath: folder });
      try {
        expect(lineTexts(await ocr(FIXTURE)), gzip ? 'gz' : 'raw').toEqual(LINES);
      } finally {
        await ocr.dispose();
      }
    }
  });

  it('an eng.traineddata symlinked to a file that is no traineddata (/etc/hostname) is MODEL_INVALID', async () => {
    const linked = join(dir, 'linked');
    execFileSync('mkdir', ['-p', linked]);
    symlinkSync('/etc/hostname', join(linked, 'eng.traineddata'));
    await expect(pipeline('image-to-text', undefined, { langPath: linked })).rejects.toMatchObject({ code: 'MODEL_INVALID' });
  });
});

describe('image-to-text worker threads after failures', () => {
  it('20 failing calls (timeouts that restart the worker, undecodable bytes) leave no extra threads once disposed, and the pipeline still reads afterwards', async () => {
    const before = threads();
    const ocr = await pipeline('image-to-text', undefined, { timeoutMs: 100 });
    const big = await sharp(FIXTURE).resize({ width: 2400 }).png().toBuffer();
    const results = await ocr.each([...Array.from({ length: 5 }, () => big), ...Array.from({ length: 15 }, (_, i) => Buffer.from(`not an image ${i}`))]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([...Array(5).fill('MODEL_RUNTIME'), ...Array(15).fill('INPUT_UNREADABLE')]);
    await ocr.dispose();
    while (threads() > before) await new Promise((r) => setTimeout(r, 50));
    const again = await pipeline('image-to-text');
    try {
      expect(lineTexts(await again(FIXTURE))).toEqual(LINES);
    } finally {
      await again.dispose();
    }
  });
});
