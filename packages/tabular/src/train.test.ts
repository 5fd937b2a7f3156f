import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSklearnTable, datasetEntry, selectTfjsBackend } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTabularPredictor, pipeline, readTableFile, trainTabular, type MlpCandidate, type RawTable, type RowValue } from './index.js';
import { encodeRow } from './preprocess.js';

// Fisher's iris flowers (test-data/README.md). One small network, no ensemble: the tests check the wiring and the
// encodings on real data in seconds; bench/tabular/ measures what the default search reaches.
const IRIS = join(import.meta.dirname, '../test-data/iris.csv');
const QUICK: { candidates: MlpCandidate[]; ensemble: false; epochs: number; patience: number } = {
  candidates: [{ hidden: [16], dropout: 0, learningRate: 0.02 }],
  ensemble: false,
  epochs: 60,
  patience: 10,
};

let dir: string;
let iris: RawTable;
const rowObject = (table: RawTable, r: number) => Object.fromEntries(table.columns.map((c, i) => [c, table.rows[r]![i]!]));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-tabular-train-'));
  iris = await readTableFile(IRIS);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('trainTabular on iris (classification)', () => {
  let trained: Awaited<ReturnType<typeof trainTabular>>;
  // Every fifth flower is kept out of training and validation, to be predicted afterwards.
  const held = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 5 === 0);
  beforeAll(async () => {
    const rows = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 5 !== 0);
    trained = await trainTabular(iris, { label: 'species', rows, seed: 1, out: join(dir, 'iris'), ...QUICK });
    trained.model.dispose();
  });

  it('infers classification, standardises with the training split only and stores it in the manifest', async () => {
    expect([trained.task, trained.classes]).toEqual(['classification', ['setosa', 'versicolor', 'virginica']]);
    const manifest = JSON.parse(await readFile(join(dir, 'iris', 'dlkit.json'), 'utf8'));
    expect(manifest.task).toBe('tabular-classification');
    const sepal = manifest.input.columns[0];
    const train = trained.rows.train.map((r) => Number(iris.rows[r]![0]));
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    expect(sepal).toMatchObject({ name: 'sepal_length', type: 'numeric', missingIndicator: false });
    expect(sepal.mean).toBeCloseTo(mean, 9);
    expect(trained.rows.train.length + trained.rows.validation.length).toBe(120);
  });

  it('predicts held-out flowers through createTabularPredictor and the tabular-classification pipeline', async () => {
    const predictor = await createTabularPredictor(join(dir, 'iris'));
    expect([predictor.task, predictor.label, predictor.columns]).toEqual(['tabular-classification', 'species', ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']]);
    const { results } = await predictor.predict(held.map((r) => rowObject(iris, r)));
    const correct = results.filter((r, i) => r.ok && (r.value as { label: string }[])[0]!.label === iris.rows[held[i]!]![4]).length;
    expect(correct / held.length).toBeGreaterThan(0.9);
    predictor.dispose();
    const classify = await pipeline('tabular-classification', join(dir, 'iris'));
    const top = await classify({ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3, id: 'extra keys are ignored' }, { topK: 3 });
    expect(top.map((l) => l.label).sort()).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(top.reduce((s, l) => s + l.score, 0)).toBeCloseTo(1, 5);
    const [, missing] = await classify.each([rowObject(iris, 0), { sepal_length: 5 }]);
    expect(missing!.ok || [missing!.error.code, missing!.error.message]).toEqual(['INPUT_UNREADABLE', "The row has no 'sepal_width' column"]);
    await classify.dispose();
  });

  it('refuses to replace the saved model without overwrite (OUTPUT_EXISTS), before training', async () => {
    await expect(trainTabular(iris, { label: 'species', out: join(dir, 'iris'), ...QUICK })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
  });
});

describe('an average with a linear network (iris, two small networks: wiring of the default kind of model)', () => {
  it('saves the average of a wide & deep and a no-hidden-layer network; the loaded predictor gives its outputs', async () => {
    const candidates: MlpCandidate[] = [
      { hidden: [8], dropout: 0, learningRate: 0.02, wide: true },
      { hidden: [], dropout: 0, learningRate: 0.05, seed: 7 },
    ];
    const trained = await trainTabular(iris, { label: 'species', seed: 2, out: join(dir, 'iris-average'), candidates, epochs: 30, patience: 5 });
    try {
      expect(trained.chosen.ensemble).toEqual(candidates);
      const rows = trained.rows.validation;
      const features = new Float32Array(rows.length * trained.input.width);
      rows.forEach((r, i) => encodeRow(trained.input.columns, iris.rows[r]!.slice(0, 4), features, i * trained.input.width, { unseen: {} }));
      const { tf } = await selectTfjsBackend();
      const expected = tf.tidy(() => (trained.model.predict(tf.tensor2d(features, [rows.length, trained.input.width])) as ReturnType<typeof tf.tensor>).arraySync() as number[][]);
      const predictor = await createTabularPredictor(join(dir, 'iris-average'));
      const { results } = await predictor.predict(rows.map((r) => rowObject(iris, r)), { topK: 3 });
      predictor.dispose();
      results.forEach((r, i) => {
        const scores = (r.ok ? r.value : []) as { label: string; score: number }[];
        trained.classes.forEach((c, k) => expect(scores.find((s) => s.label === c)!.score).toBeCloseTo(expected[i]![k]!, 6));
      });
    } finally {
      trained.model.dispose();
    }
  });
});

describe('encodings (a tiny made-up patient table: wiring of categories and missing values)', () => {
  it('one-hot encodes text columns, imputes missing values, and encodes an unseen category as none with a count', async () => {
    const smokers = ['never', 'former', 'current'];
    const lines = ['age,smoker,marker,outcome'];
    for (let i = 0; i < 60; i++) {
      const smoker = smokers[i % 3]!;
      const marker = i % 7 === 0 ? 'NA' : String((i % 10) + (smoker === 'current' ? 5 : 0));
      lines.push(`${40 + (i % 30)},${i % 11 === 0 ? '' : smoker},${marker},${smoker === 'current' ? 'relapse' : 'recovered'}`);
    }
    await writeFile(join(dir, 'patients.csv'), `${lines.join('\n')}\n`);
    const table = await readTableFile(join(dir, 'patients.csv'));
    const trained = await trainTabular(table, { label: 'outcome', out: join(dir, 'patients'), ...QUICK });
    trained.model.dispose();
    const [age, smoker, marker] = trained.input.columns;
    expect(age).toMatchObject({ type: 'numeric', missingIndicator: false });
    expect(smoker).toMatchObject({ type: 'categorical', missingCategory: true });
    expect(smoker!.type === 'categorical' && [...smoker!.categories].sort()).toEqual(['current', 'former', 'never']);
    expect(marker).toMatchObject({ type: 'numeric', missingIndicator: true });
    // 1 (age) + 3 categories + the missing slot + 2 (marker and its indicator)
    expect(trained.input.width).toBe(7);
    const predictor = await createTabularPredictor(join(dir, 'patients'));
    const { results, notes } = await predictor.predict([
      { age: 50, smoker: 'current', marker: '9' },
      { age: 50, smoker: 'occasional', marker: 'NaN' },
      { age: 50, smoker: 'never', marker: 'high' },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(notes.unseen).toEqual({ smoker: 1 });
    expect(results[2]!.ok || results[2]!.error.message).toBe(`Column 'marker' is "high", not a number`);
    predictor.dispose();
  });
});

describe('bad tables are typed errors naming what is wrong', () => {
  const table = (csv: string, name = 'bad.csv'): Promise<RawTable> => writeFile(join(dir, name), csv).then(() => readTableFile(join(dir, name)));

  it('a label column that is not there: INVALID_ARGUMENT naming it, with the nearest column', async () => {
    await expect(trainTabular(iris, { label: 'specie', ...QUICK })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      parameter: 'label',
      message: expect.stringContaining("no column 'specie' to predict (did you mean 'species'?)"),
    });
  });

  it('a constant label, and a label with one row per class: DATASET_INVALID', async () => {
    await expect(trainTabular(await table('x,y\n1,a\n2,a\n3,a\n'), { label: 'y', ...QUICK })).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining("has one value (a) in every row") });
    await expect(trainTabular(await table('x,id\n1,a\n2,b\n3,c\n4,d\n'), { label: 'id', ...QUICK })).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining('every row has its own value') });
  });

  it('text in a numeric column: DATASET_INVALID naming the column and the line', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i === 17 ? '4.2cm' : i},${i % 2 ? 'a' : 'b'}`);
    await expect(trainTabular(await table(`size,y\n${rows.join('\n')}\n`), { label: 'y', ...QUICK })).rejects.toMatchObject({
      code: 'DATASET_INVALID',
      message: expect.stringMatching(/bad\.csv:19: column 'size' holds numbers, but this row has "4\.2cm"/),
    });
  });

  it('a missing label value, and a regression label that is not a number: DATASET_INVALID naming the line', async () => {
    await expect(trainTabular(await table('x,y\n1,a\n2,\n3,b\n'), { label: 'y', ...QUICK })).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining("bad.csv:3: the label 'y' is missing") });
    await expect(trainTabular(await table('x,y\n1,1.5\n2,x\n3,2\n'), { label: 'y', task: 'regression', ...QUICK })).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining("bad.csv:3: column 'y' holds numbers") });
  });
});

const diabetes = testDataset('diabetes');
describe.skipIf(!diabetes)('trainTabular on diabetes (regression, the registry set)', () => {
  it('infers regression, scales the target, and predicts {value} in its units through the tabular-regression pipeline', async () => {
    const { holdout: _, ...config } = datasetEntry('diabetes').splits.train as Parameters<typeof readSklearnTable>[0] & { holdout?: unknown };
    const table = await readSklearnTable(config, (p) => join(diabetes!, p));
    const notes: string[] = [];
    const rows = table.rows.map((_, i) => i).filter((i) => i % 4 !== 0);
    const trained = await trainTabular(table, { label: 'target', rows, out: join(dir, 'diabetes'), onNote: (n) => notes.push(n), ...QUICK, candidates: [{ hidden: [16], dropout: 0, learningRate: 0.01, wide: true }] });
    trained.model.dispose();
    expect(notes[0]).toMatch(/^task: regression \(label 'target': numeric with \d+ distinct values\)$/);
    expect(trained.input.target!.mean).toBeGreaterThan(100);
    expect(trained.chosen.validationR2).toBeGreaterThan(0.2);
    const regress = await pipeline('tabular-regression', join(dir, 'diabetes'));
    const held = table.rows.map((_, i) => i).filter((i) => i % 4 === 0);
    const answers = (await regress(held.map((r) => rowObject(table, r)))) as RowValue[];
    const y = held.map((r) => Number(table.rows[r]!.at(-1)));
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const r2 = 1 - y.reduce((s, v, i) => s + (v - answers[i]!.value) ** 2, 0) / y.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(r2).toBeGreaterThan(0.2);
    await regress.dispose();
    await expect(pipeline('tabular-classification', join(dir, 'diabetes'))).rejects.toMatchObject({ code: 'MODEL_INVALID' });
  });
});
