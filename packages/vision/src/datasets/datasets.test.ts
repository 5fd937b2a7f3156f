import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isDlError, parseTrainConfig, trainFromConfig } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The package entry point, as users import it: it registers vision's dataset loaders with core.
import { fromClassFolders, fromDigitsJson, fromMnistIdx, VISION_INPUT_KINDS } from '../index.js';

const DIGITS = testDataset('mnist-cazala');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-vision-data-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe.skipIf(!DIGITS)('real MNIST digits', () => {
  it('reads the 10,000 cazala JSON digits with their labels, pixels in [0,1]', async () => {
    const digits = await fromDigitsJson(DIGITS!);
    expect(digits.size).toBe(10_000);
    expect(digits.featureShape).toEqual([28, 28, 1]);
    const counts = digits.classes.map((_, c) => digits.labels.filter((l) => l === c).length);
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const first = await digits.read([0]);
    expect(Math.max(...first)).toBeLessThanOrEqual(1);
    expect(first.filter((v) => v > 0.5).length).toBeGreaterThan(50); // ink
  });

  it('reads the same digits from IDX files, gzipped or not', async () => {
    const digits = await fromDigitsJson(DIGITS!);
    const items = [0, 1500, 9999];
    const pixels = await digits.read(items);
    const header = (magic: number, dims: number[]) => {
      const b = Buffer.alloc(4 + 4 * dims.length);
      b.writeUInt32BE(magic, 0);
      dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
      return b;
    };
    const images = Buffer.concat([header(0x803, [3, 28, 28]), Buffer.from(Array.from(pixels, (v) => Math.round(v * 255)))]);
    const labels = Buffer.concat([header(0x801, [3]), Buffer.from(items.map((i) => digits.labels[i]!))]);
    await writeFile(join(dir, 'images.idx.gz'), gzipSync(images));
    await writeFile(join(dir, 'labels.idx'), labels);
    const idx = await fromMnistIdx(join(dir, 'images.idx.gz'), join(dir, 'labels.idx'));
    expect(Array.from(idx.labels)).toEqual(items.map((i) => digits.labels[i]));
    expect(await idx.read([0, 1, 2])).toEqual(pixels);
    await writeFile(join(dir, 'short.idx'), images.subarray(0, 500));
    const error = await rejection(fromMnistIdx(join(dir, 'short.idx'), join(dir, 'labels.idx')));
    expect(isDlError(error, 'DATASET_INVALID')).toBe(true);
    expect(error.message).toMatch(/short\.idx.*declares/);
  });
});

describe('class folders', () => {
  const load = async () => new Float32Array([1, 2]);
  it('labels files by their folder and refuses an empty or one-class folder', async () => {
    const root = join(dir, 'folders');
    await mkdir(join(root, 'cat'), { recursive: true });
    await mkdir(join(root, 'dog', 'nested'), { recursive: true });
    await writeFile(join(root, 'cat', 'a.png'), '');
    await writeFile(join(root, 'dog', 'nested', 'b.PNG'), '');
    await writeFile(join(root, 'dog', 'notes.txt'), '');
    const ds = await fromClassFolders(root, { load, featureShape: [2], extensions: ['.png'] });
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(Array.from(ds.labels)).toEqual([0, 1]);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    expect((await rejection(fromClassFolders(empty, { load, featureShape: [2], extensions: ['.png'] }))).message).toMatch(/has no class folders/);
    await mkdir(join(empty, 'only'));
    expect((await rejection(fromClassFolders(empty, { load, featureShape: [2], extensions: ['.png'] }))).message).toMatch(/only.*no \.png files/);
  });

  it('names the file that fails to load', async () => {
    const root = join(dir, 'folders');
    const ds = await fromClassFolders(root, { load: async () => Promise.reject(new Error('corrupt PNG')), featureShape: [2], extensions: ['.png'] });
    const error = await rejection(ds.read([1]));
    expect(isDlError(error, 'DATASET_INVALID')).toBe(true);
    expect(error.message).toMatch(/b\.PNG: corrupt PNG/);
  });
});

describe('training configs read image folders and digits once vision is imported', () => {
  const model = { architecture: 'mlp', hidden: [8] };
  it('bounds an image folder before reading it', () => {
    expect(() => parseTrainConfig({ data: { type: 'image-folder', path: 'x', width: 100_000 }, model })).toThrow(/data\.width/);
    expect(parseTrainConfig({ data: { type: 'image-folder', path: 'x' }, model }).data).toEqual({ type: 'image-folder', path: 'x', width: 64, height: 64, channels: 3 });
  });

  it.skipIf(!DIGITS)('digits-json trains an image-classification model whose input spec is the digits kind the classifier reads', async () => {
    const subset = join(dir, 'digits-subset');
    await mkdir(subset, { recursive: true });
    for (let d = 0; d < 10; d++) {
      const data = (JSON.parse(await readFile(join(DIGITS!, `${d}.json`), 'utf8')) as { data: number[] }).data;
      await writeFile(join(subset, `${d}.json`), JSON.stringify({ data: data.slice(0, 20 * 784) }));
    }
    const config = parseTrainConfig({ data: { type: 'digits-json', path: 'digits-subset' }, model, epochs: 1, augment: { rotate: 5 }, out: 'digits-model' });
    const { model: trained } = await trainFromConfig(config, { baseDir: dir });
    trained.dispose();
    const manifest = JSON.parse(await readFile(join(dir, 'digits-model', 'dlkit.json'), 'utf8'));
    expect(manifest).toMatchObject({ task: 'image-classification', input: { kind: VISION_INPUT_KINDS.digits } });
    expect(manifest.input).toEqual({ kind: 'digits' });
  });
});
