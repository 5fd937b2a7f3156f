import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isDlError } from '../../errors.js';
import { parseTrainConfig, trainFromConfig } from '../config.js';
import { fromArrays } from './dataset.js';
import { datasetTypes, MANIFEST_INPUT_KINDS, registerDatasetLoader } from './loaders.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-loaders-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const model = { architecture: 'mlp', hidden: [4] };

describe('dataset loaders registered for training configs', () => {
  it('core reads only tables itself: an image or digit type is unknown until its package registers it', () => {
    expect(datasetTypes()).toEqual(expect.arrayContaining(['csv', 'jsonl']));
    for (const type of ['image-folder', 'mnist-idx', 'digits-json']) {
      let error: unknown;
      try {
        parseTrainConfig({ data: { type, path: 'x' }, model });
      } catch (e) {
        error = e;
      }
      expect(isDlError(error, 'INVALID_ARGUMENT'), type).toBe(true);
      expect((error as Error).message).toMatch(new RegExp(`data\\.type: no dataset loader is registered for '${type}' \\(registered: .*csv.*\\)`));
    }
  });

  it("a registered loader's schema checks the data section, and its task, input spec and augmentation reach the saved model", async () => {
    const seen: number[] = [];
    registerDatasetLoader('xor-points', {
      schema: z.object({ type: z.literal('xor-points'), copies: z.number().int().min(1).max(50).default(10) }),
      task: 'point-classification',
      load: async ({ copies }) => ({
        dataset: fromArrays({
          features: Array.from({ length: 4 * copies }, (_, i) => [i % 2, (i >> 1) % 2]),
          labels: Array.from({ length: 4 * copies }, (_, i) => String((i % 2) ^ ((i >> 1) % 2))),
          source: 'xor',
        }),
        input: { kind: 'points', dimensions: 2 },
      }),
      augment: (options, shape) => (features, rng) => {
        seen.push(shape.length, options.shift ?? -1);
        return features.map((v) => v + (rng() - 0.5) * 1e-3);
      },
    });
    expect(() => parseTrainConfig({ data: { type: 'xor-points', copies: 500 }, model })).toThrow(/data\.copies: /);
    const config = parseTrainConfig({ data: { type: 'xor-points' }, model, epochs: 1, augment: { shift: 3 }, validation: { split: 0.25 }, out: 'xor-model' });
    const { saved, model: trained } = await trainFromConfig(config, { baseDir: dir });
    trained.dispose();
    expect(seen.slice(0, 2)).toEqual([1, 3]);
    const manifest = JSON.parse(await readFile(join(dir, 'xor-model', 'dlkit.json'), 'utf8'));
    expect(saved?.dir).toBe(join(dir, 'xor-model'));
    expect(manifest).toMatchObject({ task: 'point-classification', input: { kind: 'points', dimensions: 2 } });
    expect(JSON.parse(await readFile(join(dir, 'xor-model', 'labels.json'), 'utf8'))).toEqual(['0', '1']);
  });

  it('a CSV trains a tabular-classification model whose input names the feature columns read, even when the config leaves them to the header', async () => {
    await writeFile(join(dir, 't.csv'), ['a,b,y', ...Array.from({ length: 40 }, (_, i) => `${i % 2},${(i >> 1) % 2},${(i % 2) ^ ((i >> 1) % 2)}`)].join('\n'));
    const config = parseTrainConfig({ data: { type: 'csv', path: 't.csv', label: 'y' }, model, epochs: 1, out: 't-model' });
    (await trainFromConfig(config, { baseDir: dir })).model.dispose();
    const manifest = JSON.parse(await readFile(join(dir, 't-model', 'dlkit.json'), 'utf8'));
    expect(manifest).toMatchObject({ task: 'tabular-classification', input: { kind: MANIFEST_INPUT_KINDS.features, features: ['a', 'b'], label: 'y', width: 2 } });
  });
});
