import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlError, isDlError } from '../errors.js';
import { assertNoModel } from '../models/manifest.js';
import { parseTrainConfig, trainFromConfig } from './config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-config-'));
  await writeFile(join(dir, 'xor.csv'), ['a,b,y', ...Array.from({ length: 40 }, (_, i) => `${i % 2},${(i >> 1) % 2},${(i % 2) ^ ((i >> 1) % 2)}`)].join('\n'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const data = { type: 'csv', path: 'xor.csv', label: 'y' };
const model = { architecture: 'mlp', hidden: [4] };

/** The error a call throws (or fails the test when it does not). */
function thrown(call: () => unknown): DlError {
  try {
    call();
  } catch (error) {
    if (isDlError(error)) return error;
    throw error;
  }
  throw new Error('expected a DlError');
}

describe('trainFromConfig never replaces a model by accident', () => {
  it('a second run into the same out is OUTPUT_EXISTS before training, the first model intact; overwrite replaces it', async () => {
    const first = await trainFromConfig(parseTrainConfig({ data, model, epochs: 1, seed: 1, out: 'm' }), { baseDir: dir });
    first.model.dispose();
    const before = { weights: await readFile(join(dir, 'm', 'weights.bin')), manifest: await readFile(join(dir, 'm', 'dlkit.json')) };

    let epochs = 0;
    const again = trainFromConfig(parseTrainConfig({ data, model, epochs: 1, seed: 2, out: 'm' }), { baseDir: dir, callbacks: [{ name: 'count-epochs', onEpochBegin: () => void epochs++ }] });
    await expect(again).rejects.toMatchObject({ code: 'OUTPUT_EXISTS', hint: { kind: 'use-option', option: 'overwrite', value: true } });
    await expect(again).rejects.toThrow(`${join(dir, 'm')} already holds a model (dlkit.json)`);
    expect(epochs).toBe(0);
    expect(await readFile(join(dir, 'm', 'weights.bin'))).toEqual(before.weights);
    expect(await readFile(join(dir, 'm', 'dlkit.json'))).toEqual(before.manifest);

    const replaced = await trainFromConfig(parseTrainConfig({ data, model, epochs: 1, seed: 2, out: 'm' }), { baseDir: dir, overwrite: true });
    replaced.model.dispose();
    expect(replaced.saved?.dir).toBe(join(dir, 'm'));
    expect(await readFile(join(dir, 'm', 'weights.bin'))).not.toEqual(before.weights);
  });

  it('assertNoModel: a folder without dlkit.json (absent, empty, other files) is free; one with it is taken', async () => {
    await expect(assertNoModel(join(dir, 'absent'))).resolves.toBeUndefined();
    await mkdir(join(dir, 'other'));
    await writeFile(join(dir, 'other', 'notes.txt'), 'not a model');
    await expect(assertNoModel(join(dir, 'other'))).resolves.toBeUndefined();
    await expect(assertNoModel(join(dir, 'xor.csv'))).resolves.toBeUndefined();
    await expect(assertNoModel(undefined)).resolves.toBeUndefined();
    await writeFile(join(dir, 'other', 'dlkit.json'), '{}');
    await expect(assertNoModel(join(dir, 'other'))).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    await expect(assertNoModel(join(dir, 'other'), { overwrite: true })).resolves.toBeUndefined();
  });
});

describe('a training config refuses keys it does not know', () => {
  it('names an unknown top-level key, with the key probably meant as a did-you-mean', () => {
    const error = thrown(() => parseTrainConfig({ data, model, epoch: 5 }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^training config: \(root\): unknown key 'epoch' \(did you mean 'epochs'\?\); the keys here are name, data, validation, model, epochs, /);
    expect(error.hint).toEqual({ kind: 'did-you-mean', value: 'epochs' });
  });

  it('names unknown keys of nested objects, the dataset loader and union branches too', () => {
    const cases: Array<[object, RegExp, string | undefined]> = [
      [{ data: { ...data, lable: 'y' }, model }, /data: unknown key 'lable' \(did you mean 'label'\?\); the keys here are type, path, label, features$/, 'label'],
      // The key meant is then missing too: the unknown one is what is said.
      [{ data: { type: 'csv', path: 'xor.csv', lable: 'y' }, model }, /data: unknown key 'lable' \(did you mean 'label'\?\)/, 'label'],
      [{ epoch: 5 }, /\(root\): unknown key 'epoch' \(did you mean 'epochs'\?\)/, 'epochs'],
      [{ data, model: { architecture: 'mlp', hiden: [4] } }, /model: unknown key 'hiden' \(did you mean 'hidden'\?\)/, 'hidden'],
      [{ data, model, optimizer: { name: 'adam', learningrate: 0.1 } }, /optimizer: unknown key 'learningrate' \(did you mean 'learningRate'\?\)/, 'learningRate'],
      [{ data, model, validation: { split: 0.2, stratfy: false } }, /validation: unknown key 'stratfy' \(did you mean 'stratify'\?\)/, 'stratify'],
      [{ data, model, schedule: { type: 'cosine', warmup: 1 } }, /schedule: unknown key 'warmup'/, undefined],
      [{ data, model, zzzzzzzz: 1, qqqqqqqq: 2 }, /\(root\): unknown keys 'zzzzzzzz', 'qqqqqqqq'; the keys here are/, undefined],
    ];
    for (const [raw, message, meant] of cases) {
      const error = thrown(() => parseTrainConfig(raw));
      expect(error.code, JSON.stringify(raw)).toBe('INVALID_ARGUMENT');
      expect(error.message, JSON.stringify(raw)).toMatch(message);
      expect(error.hint, JSON.stringify(raw)).toEqual(meant === undefined ? undefined : { kind: 'did-you-mean', value: meant });
    }
  });

  it('still takes every key it documents', () => {
    const config = parseTrainConfig({
      name: 'all-keys',
      data,
      validation: { split: 0.2, stratify: false },
      model: { architecture: 'mlp', hidden: [4], dropout: 0.1 },
      epochs: 2,
      batchSize: 8,
      seed: 1,
      workers: 1,
      optimizer: { name: 'adamw', learningRate: 0.001, weightDecay: 0.01 },
      clip: { norm: 1 },
      augment: { rotate: 1 },
      schedule: { type: 'cosine', warmupEpochs: 1 },
      earlyStopping: { monitor: 'val_loss', patience: 2, restoreBestWeights: true },
      checkpoint: { dir: 'c', everyEpochs: 1 },
      log: 'log.csv',
      out: 'o',
    });
    expect(config).toMatchObject({ name: 'all-keys', epochs: 2, validation: { split: 0.2, stratify: false } });
  });
});
