import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDlError, parseTrainConfig, trainFromConfig } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { describe, expect, it } from 'vitest';
// The package entry point, as users import it: it registers vision's dataset loaders with core.
import { FASHION_CLASSES, fromMnistIdx, loadFashionData, randomAffine, VISION_INPUT_KINDS } from '../index.js';

const FASHION = testDataset('fashion-mnist');

describe.skipIf(!FASHION)('real Fashion-MNIST', () => {
  const files = (prefix: string) => [join(FASHION!, `${prefix}-images-idx3-ubyte.gz`), join(FASHION!, `${prefix}-labels-idx1-ubyte.gz`)] as const;

  it('reads the 60,000 training images with the ten garment names, 6,000 of each', async () => {
    const data = await loadFashionData(FASHION!);
    expect(data.size).toBe(60_000);
    expect(data.featureShape).toEqual([28, 28, 1]);
    expect(data.classes).toEqual([...FASHION_CLASSES]);
    expect(data.classes.map((_, c) => data.labels.filter((l) => l === c).length)).toEqual(Array(10).fill(6000));
    const first = await data.read([0]);
    expect(Math.max(...first)).toBeLessThanOrEqual(1);
  });

  it('a training config on mnist-idx with class names saves them and a whole-image input (no digit normalisation)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'dlkit-fashion-config-'));
    try {
      const [images, labels] = files('t10k');
      const data = { type: 'mnist-idx', images, labels, classes: [...FASHION_CLASSES] };
      const config = parseTrainConfig({ data, model: { architecture: 'mlp', hidden: [8] }, epochs: 1, batchSize: 256, out: 'model' });
      const { model } = await trainFromConfig(config, { baseDir: out });
      model.dispose();
      const manifest = JSON.parse(await readFile(join(out, 'model', 'dlkit.json'), 'utf8'));
      expect(manifest.input).toEqual({ kind: VISION_INPUT_KINDS.image, width: 28, height: 28, channels: 1 });
      expect(JSON.parse(await readFile(join(out, 'model', 'labels.json'), 'utf8'))).toEqual([...FASHION_CLASSES]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('refuses labels beyond the classes given', async () => {
    const [images, labels] = files('t10k');
    const error = await fromMnistIdx(images, labels, { classes: ['T-shirt/top', 'Trouser'] }).catch((e: Error) => e);
    expect(isDlError(error, 'DATASET_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/label \d at item \d+ is not one of the 2 classes/);
  });
});

describe('left-right mirror augmentation (tiny fixture: one lit pixel)', () => {
  it('mirrors about half of the images, exactly, and leaves the rest as they were', () => {
    const image = new Float32Array(28 * 28);
    image[5 * 28 + 3] = 1; // row 5, column 3
    const augment = randomAffine({ height: 28, width: 28, rotate: 0, scale: 0, shift: 0, shear: 0, flip: true });
    let seed = 1;
    const rng = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const outs = Array.from({ length: 200 }, () => augment(image, rng));
    const mirrored = outs.filter((o) => o[5 * 28 + 24] === 1 && o.reduce((a, b) => a + b, 0) === 1).length;
    const kept = outs.filter((o) => o[5 * 28 + 3] === 1 && o.reduce((a, b) => a + b, 0) === 1).length;
    expect(mirrored + kept).toBe(200);
    expect(mirrored).toBeGreaterThan(70);
    expect(kept).toBeGreaterThan(70);
  });
});
