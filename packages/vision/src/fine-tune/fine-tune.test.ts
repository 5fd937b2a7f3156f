import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { pipeline } from '../pipeline.js';
import { fineTune } from './fine-tune.js';

const DIGITS = testDataset('mnist-cazala');
let dir: string;
const val: Array<{ path: string; label: string }> = [];

// Ten classes of real handwritten digits written as PNG files: 40 per class to train on, 10 others to validate.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-fine-tune-'));
  if (!DIGITS) return;
  for (let d = 0; d < 10; d++) {
    const data = (JSON.parse(await readFile(join(DIGITS, `${d}.json`), 'utf8')) as { data: number[] }).data;
    for (const [part, from, count] of [['train', 0, 40], ['val', 500, 10]] as const) {
      await mkdir(join(dir, part, String(d)), { recursive: true });
      for (let i = 0; i < count; i++) {
        const pixels = Buffer.from(data.slice((from + i) * 784, (from + i + 1) * 784).map((v) => Math.round(v * 255)));
        const path = join(dir, part, String(d), `${i}.png`);
        await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(path);
        if (part === 'val') val.push({ path, label: String(d) });
      }
    }
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.skipIf(!DIGITS)('fine-tune on the embedded Darknet backbone (real digit images)', () => {
  it('learns 10 classes from 40 images each to >= 90% validation accuracy; the saved model classifies as well', async () => {
    const out = join(dir, 'model');
    const { result, saved } = await fineTune({ train: join(dir, 'train'), validation: join(dir, 'val'), out, size: 96, augmentations: 1, epochs: 40 });
    expect(result.validation!.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(saved!.manifest).toMatchObject({ runtime: 'tfjs-layers', input: { kind: 'image', width: 96, height: 96, channels: 3 } });
    const classifier = await pipeline('image-classification', out);
    try {
      const results = await classifier.each(val.map((v) => v.path), { topK: 1 });
      const right = results.filter((r, i) => r.ok && r.value[0]!.label === val[i]!.label).length;
      expect(right / val.length).toBeGreaterThanOrEqual(0.9);
    } finally {
      await classifier.dispose();
    }
  });

  it('refuses a training folder with one class', async () => {
    const one = join(dir, 'one');
    await mkdir(join(one, 'only'), { recursive: true });
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toFile(join(one, 'only', 'a.png'));
    const error = await fineTune({ train: one }).catch((e: Error) => e);
    expect(isDlError(error, 'DATASET_INVALID')).toBe(true);
  });
});
