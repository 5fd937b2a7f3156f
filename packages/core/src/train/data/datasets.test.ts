import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../../errors.js';
import { iterateBatches } from './batches.js';
import { fromArrays, type Dataset } from './dataset.js';
import { splitDataset } from './split.js';
import { fromTabular } from './tabular.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-data-'));
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

describe('CSV and JSONL', () => {
  it('reads chosen columns, quoted fields, CRLF and a BOM; string labels become sorted classes', async () => {
    const path = join(dir, 'iris.csv');
    await writeFile(path, '\uFEFFa,b,"note, quoted",species\r\n1,2,"x\r\ny",virginica\r\n3,4,z,setosa\r\n\r\n5,6,"say ""hi""",virginica\r\n');
    const ds = await fromTabular(path, { label: 'species', features: ['b', 'a'] });
    expect(ds.size).toBe(3);
    expect(ds.classes).toEqual(['setosa', 'virginica']);
    expect(Array.from(ds.labels)).toEqual([1, 0, 1]);
    expect(Array.from(await ds.read([2, 0]))).toEqual([6, 5, 2, 1]);
  });

  it('reads JSONL with every other key as a feature', async () => {
    const path = join(dir, 'points.jsonl');
    await writeFile(path, '{"x":1,"y":2,"label":0}\n\n{"x":3,"y":4,"label":1}\n');
    const ds = await fromTabular(path, { label: 'label' });
    expect(ds.featureShape).toEqual([2]);
    expect(ds.classes).toEqual(['0', '1']);
    expect(Array.from(await ds.read([1]))).toEqual([3, 4]);
  });

  it('names the file and line of a bad row, and a missing label column', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'a,y\n1,0\nfoo,1\n');
    const error = await rejection(fromTabular(path, { label: 'y' }));
    expect(isDlError(error, 'DATASET_INVALID')).toBe(true);
    expect(error.message).toContain('bad.csv:3');
    const missing = await rejection(fromTabular(path, { label: 'class' }));
    expect(missing.message).toMatch(/no label column 'class'/);
    await writeFile(path, 'a,y\n1,0\n2\n');
    expect((await rejection(fromTabular(path, { label: 'y' }))).message).toMatch(/bad\.csv:3: 1 fields/);
  });

  it('refuses a FIFO as a table at once instead of waiting for a writer', async () => {
    const path = join(dir, 'fifo.csv');
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    const error = await rejection(fromTabular(path, { label: 'y' }));
    expect(isDlError(error, 'INPUT_UNSUPPORTED')).toBe(true);
    expect(error.message).toMatch(/fifo\.csv: is a FIFO/);
  });

  it('names the line of a quote that never closes, small or 70 MB, instead of holding the rest of the file as one row', async () => {
    const small = join(dir, 'unclosed.csv');
    await writeFile(small, 'a,y\n1,0\n"2,1\n3,0\n');
    const error = await rejection(fromTabular(small, { label: 'y' }));
    expect(isDlError(error, 'DATASET_INVALID')).toBe(true);
    expect(error.message).toMatch(/unclosed\.csv:3: a quote opened in this record never closes/);
    const large = join(dir, 'unclosed-70mb.csv');
    await writeFile(large, Buffer.concat([Buffer.from('a,y\n1,0\n"'), Buffer.alloc(70 * 2 ** 20, '2,1\n')]));
    const before = process.memoryUsage().rss;
    const tooLarge = await rejection(fromTabular(large, { label: 'y' }));
    expect(isDlError(tooLarge, 'INPUT_TOO_LARGE')).toBe(true);
    expect(tooLarge.message).toMatch(/unclosed-70mb\.csv:3: a record over the \d+-byte limit \(inside a quote/);
    expect((process.memoryUsage().rss - before) / 2 ** 20).toBeLessThan(300);
  });
});

describe('splits and batches', () => {
  const ds = fromArrays({ features: Array.from({ length: 100 }, (_, i) => [i]), labels: Array.from({ length: 100 }, (_, i) => (i < 80 ? 'a' : 'b')) });

  it('splits by seed, reproducibly, keeping class proportions when stratified', async () => {
    const one = splitDataset(ds, { validation: 0.2, seed: 7 });
    const two = splitDataset(ds, { validation: 0.2, seed: 7 });
    const other = splitDataset(ds, { validation: 0.2, seed: 8 });
    const ids = async (d: Dataset) => Array.from(await d.read(Array.from({ length: d.size }, (_, i) => i)));
    expect(await ids(one.validation)).toEqual(await ids(two.validation));
    expect(await ids(one.validation)).not.toEqual(await ids(other.validation));
    expect(one.validation.size).toBe(20);
    expect(one.validation.labels.filter((l) => l === 1).length).toBe(4);
    expect(new Set([...(await ids(one.train)), ...(await ids(one.validation))]).size).toBe(100);
  });

  it('streams: never more than the current batch and `prefetch` batches are read ahead', async () => {
    let resident = 0;
    let most = 0;
    const counting: Dataset = {
      ...ds,
      read: async (items) => {
        resident++;
        most = Math.max(most, resident);
        await new Promise((r) => setTimeout(r, 1));
        return ds.read(items);
      },
    };
    let seen = 0;
    for await (const batch of iterateBatches(counting, { batchSize: 8, prefetch: 2 })) {
      seen += batch.size;
      await new Promise((r) => setTimeout(r, 5)); // "training" on it
      resident--;
    }
    expect(seen).toBe(100);
    expect(most).toBeLessThanOrEqual(3);
  });
});

describe('from tensors', () => {
  it('takes class indices or one-hot labels', async () => {
    const { selectTfjsBackend } = await import('../../backend/tfjs.js');
    const { tf } = await selectTfjsBackend('wasm');
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const oneHot = tf.tensor2d([0, 0, 1, 1, 0, 0], [2, 3]);
    const { fromTensors } = await import('./dataset.js');
    const ds = await fromTensors(x, oneHot);
    expect(ds.featureShape).toEqual([2, 2]);
    expect(ds.classes).toEqual(['0', '1', '2']);
    expect(Array.from(ds.labels)).toEqual([2, 0]);
    expect(Array.from(await ds.read([1]))).toEqual([5, 6, 7, 8]);
    const indices = tf.tensor1d([1, 0], 'int32');
    expect(Array.from((await fromTensors(x, indices, ['a', 'b'])).labels)).toEqual([1, 0]);
    tf.dispose([x, oneHot, indices]);
  });
});
