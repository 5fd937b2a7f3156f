import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDlError, parseTrainConfig, trainFromConfig } from '@dlkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipeline, TASKS } from './index.js';

// Fisher's iris flowers (test-data/README.md): four measurements and the species.
const IRIS = join(import.meta.dirname, '../test-data/iris.csv');
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const SPECIES = ['setosa', 'versicolor', 'virginica'];

let dir: string;
let heldOut: Array<Record<string, string> & { species: string }>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-tabular-'));
  const rows = (await readFile(IRIS, 'utf8')).trim().split('\n').slice(1).map((line) => line.split(','));
  const named = rows.map((r): Record<string, string> & { species: string } => ({ ...Object.fromEntries(COLUMNS.map((c, i) => [c, r[i]!])), species: r[4]! }));
  // Every fifth flower is kept out of training (and of its validation split), to be classified afterwards.
  heldOut = named.filter((_, i) => i % 5 === 0);
  const train = named.filter((_, i) => i % 5 !== 0);
  await writeFile(join(dir, 'iris.csv'), [[...COLUMNS, 'species'].join(','), ...train.map((r) => [...COLUMNS.map((c) => r[c]), r.species].join(','))].join('\n'));
  const config = parseTrainConfig({
    name: 'iris',
    data: { type: 'csv', path: 'iris.csv', label: 'species' },
    model: { architecture: 'mlp', hidden: [16], dropout: 0 },
    epochs: 80,
    batchSize: 16,
    seed: 1,
    optimizer: { name: 'adam', learningRate: 0.01 },
    out: 'iris-model',
  });
  (await trainFromConfig(config, { baseDir: dir })).model.dispose();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('tabular-classification pipeline', () => {
  it('loads a model trained by a CSV training config and labels held-out rows (iris)', async () => {
    const classify = await pipeline('tabular-classification', join(dir, 'iris-model'));
    expect([classify.task, classify.model]).toEqual(['tabular-classification', 'iris']);
    // Rows as read from a CSV: strings; the label column is there and ignored.
    const answers = await classify(heldOut);
    expect(answers).toHaveLength(heldOut.length);
    const correct = answers.filter((a, i) => a[0]!.label === heldOut[i]!.species).length;
    expect(correct / heldOut.length).toBeGreaterThan(0.9);
    // One row in, one answer out; topK gives every class, best first, probabilities summing to 1.
    const one = await classify({ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }, { topK: 3 });
    expect(one.map((l) => l.label).sort()).toEqual(SPECIES);
    expect(one[0]!.score).toBeGreaterThanOrEqual(one[1]!.score);
    expect(one.reduce((s, l) => s + l.score, 0)).toBeCloseTo(1, 5);
    await classify.dispose();
  });

  it('a row without a feature column, or with a non-number, fails alone; the others are answered', async () => {
    const classify = await pipeline('tabular-classification', join(dir, 'iris-model'));
    const { petal_width: _, ...missing } = heldOut[0]!;
    const results = await classify.each([heldOut[1]!, missing, { ...heldOut[2]!, sepal_width: 'wide' }]);
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    expect(results[1]!.ok || [results[1]!.error.code, results[1]!.error.message]).toEqual(['INPUT_UNREADABLE', "The row has no 'petal_width' column"]);
    expect(results[2]!.ok || results[2]!.error.message).toBe(`Column 'sepal_width' is "wide", not a number`);
    await classify.dispose();
    await classify.dispose();
    await expect(classify(heldOut[1]!)).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('refuses no model, a model of another task and a bad topK with typed errors naming the parameter', async () => {
    expect(TASKS.map((t) => [t.task, t.input, t.domain])).toEqual([
      ['tabular-classification', 'table', 'tabular'],
      ['tabular-regression', 'table', 'tabular'],
    ]);
    await expect(pipeline('tabular-classification')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'model' });
    const manifest = JSON.parse(await readFile(join(dir, 'iris-model', 'dlkit.json'), 'utf8'));
    await writeFile(join(dir, 'iris-model', 'dlkit.json'), JSON.stringify({ ...manifest, task: 'image-classification' }));
    const wrongTask = await pipeline('tabular-classification', join(dir, 'iris-model')).catch((e: unknown) => e);
    await writeFile(join(dir, 'iris-model', 'dlkit.json'), JSON.stringify(manifest));
    expect(isDlError(wrongTask, 'MODEL_INVALID')).toBe(true);
    const classify = await pipeline('tabular-classification', join(dir, 'iris-model'));
    await expect(classify(heldOut[0]!, { topK: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'topK' });
    await classify.dispose();
  });
});
