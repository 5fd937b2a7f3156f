import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { SAMPLE_IMAGE } from '../embedded.js';
import { storedSize } from './header.js';

const IMAGES = testDataFile('images');

/** The stored size libvips reads from the same header. */
async function libvipsSize(bytes: Buffer) {
  const { width, height } = await sharp(bytes).metadata();
  return { width, height };
}

describe('storedSize: the size in a PNG or JPEG header, read without libvips', () => {
  it.skipIf(!IMAGES)('says what libvips says for the real photos of the data mirror and the bundled sample', async () => {
    const names = (await readdir(IMAGES!)).filter((name) => /\.(jpe?g|png)$/i.test(name));
    expect(names.length).toBeGreaterThanOrEqual(4);
    for (const bytes of await Promise.all([...names.map((name) => join(IMAGES!, name)), SAMPLE_IMAGE].map((path) => readFile(path)))) {
      expect(storedSize(bytes)).toEqual(await libvipsSize(bytes));
    }
  });

  it('reads progressive (SOF2) and EXIF-tagged JPEGs (an APP1 segment before the frame) as stored, not turned', async () => {
    const photo = sharp(SAMPLE_IMAGE).resize(300, 120, { fit: 'fill' });
    const progressive = await photo.clone().jpeg({ progressive: true }).toBuffer();
    const sideways = await photo.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(storedSize(progressive)).toEqual({ width: 300, height: 120 });
    expect(storedSize(sideways)).toEqual({ width: 300, height: 120 });
    expect((await sharp(sideways).metadata()).orientation).toBe(6);
  });

  it('is undefined for other formats, a JPEG cut before its frame and bytes that are no image (hand-made bytes)', async () => {
    const jpeg = await sharp(SAMPLE_IMAGE).jpeg().withMetadata({ orientation: 1 }).toBuffer();
    const cut = jpeg.subarray(0, 40);
    expect(storedSize(cut)).toBeUndefined();
    expect(storedSize(await sharp(SAMPLE_IMAGE).webp().toBuffer())).toBeUndefined();
    expect(storedSize(Buffer.from('a shopping list, not a picture'))).toBeUndefined();
    // A PNG signature whose first chunk is not IHDR, and a JPEG whose scan comes before any frame.
    expect(storedSize(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x74, 0x45, 0x58, 0x74, 0, 0, 1, 0, 0, 0, 1, 0]))).toBeUndefined();
    expect(storedSize(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0]))).toBeUndefined();
  });
});
