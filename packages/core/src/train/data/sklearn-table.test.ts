import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetEntry } from '../../datasets/registry.js';
import { testDataset } from '../../testing.js';
import { selectTfjsBackend } from '../../backend/tfjs.js';
import { fit } from '../fit.js';
import { mapDataset, subset, type Dataset } from './dataset.js';
import { datasetLoader } from './loaders.js';
import { readSklearnTable, sklearnDataset, type SklearnTableConfig } from './tabular.js';

const config = (name: string): SklearnTableConfig => {
  const { holdout: _, ...split } = datasetEntry(name).splits.train!;
  return split as unknown as SklearnTableConfig;
};

const cancer = testDataset('breast-cancer');
const diabetes = testDataset('diabetes');

describe.skipIf(!cancer)('sklearn-table: breast-cancer', () => {
  it('reads 569 tumours of 30 measurements, the class names of the first line in index order', async () => {
    const table = await readSklearnTable(config('breast-cancer'), (p) => join(cancer!, p));
    expect([table.rows.length, table.columns.length, table.classes]).toEqual([569, 31, ['malignant', 'benign']]);
    expect(table.columns.slice(0, 2)).toEqual(['mean radius', 'mean texture']);
    // sklearn: 212 malignant, 357 benign.
    expect(table.rows.filter((r) => r[30] === 'malignant').length).toBe(212);
    expect(table.lines[0]).toBe(2);
  });

  it('is registered as a training-config loader giving numeric features and classes', async () => {
    const { dataset, input } = await datasetLoader('sklearn-table')!.load(config('breast-cancer'), (p) => join(cancer!, p));
    expect([dataset.size, dataset.featureShape, dataset.classes]).toEqual([569, [30], ['malignant', 'benign']]);
    expect(input).toMatchObject({ kind: 'features', label: 'diagnosis', width: 30 });
    expect((await dataset.read([0]))[0]).toBeCloseTo(17.99, 5);
  });
});

describe('sklearn-table: files that do not fit are DATASET_INVALID naming the line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlkit-sklearn-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a first line that names another number of features or rows, and a class index beyond the names (tiny made-up files)', async () => {
    const read = (text: string, columns = ['a', 'b']) => writeFile(join(dir, 't.csv'), text).then(() => readSklearnTable({ type: 'sklearn-table', path: 't.csv', columns, label: 'y' }, (p) => join(dir, p)));
    await expect(read('2,3,no,yes\n1,2,0\n3,4,1\n')).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining('t.csv:1: 3 features, the data set names 2 columns') });
    await expect(read('3,2,no,yes\n1,2,0\n3,4,1\n')).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining('says 3 rows, the file has 2') });
    await expect(read('2,2,no,yes\n1,2,0\n3,4,2\n')).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining('t.csv:3: class "2" is not an index into the 2 class names') });
  });
});

/** Features standardised with their own mean and std: what a regression on raw clinical units needs. */
function standardised(dataset: Dataset, x: Float32Array): Dataset {
  const width = dataset.featureShape[0]!;
  const stats = Array.from({ length: width }, (_, c) => {
    const values = Array.from({ length: dataset.size }, (_, i) => x[i * width + c]!);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1 };
  });
  return mapDataset(dataset, (row) => row.map((v, c) => (v - stats[c]!.mean) / stats[c]!.std));
}

describe.skipIf(!diabetes)('fit with loss mse on diabetes (regression)', () => {
  it('lowers the mean squared error of a linear model and reports R^2 on validation; accuracy is NaN', async () => {
    const { dataset } = await sklearnDataset(config('diabetes'), (p) => join(diabetes!, p));
    expect([dataset.size, dataset.classes, dataset.targets!.length]).toEqual([442, [], 442]);
    const x = await dataset.read(Array.from({ length: dataset.size }, (_, i) => i));
    const scaled = standardised({ ...dataset, targets: dataset.targets!.map((t) => (t - 152) / 77) }, x);
    const indices = Array.from({ length: dataset.size }, (_, i) => i);
    const train = subset(scaled, indices.filter((i) => i % 5 !== 0));
    const validation = subset(scaled, indices.filter((i) => i % 5 === 0));
    await selectTfjsBackend();
    const tfl = await import('@tensorflow/tfjs-layers');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [10] })] });
    const result = await fit(model, train, { epochs: 40, batchSize: 32, seed: 0, loss: 'mse', validation, optimizer: { name: 'adam', learningRate: 0.05 } });
    expect(result.history[0]!.accuracy).toBeNaN();
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
    // Ridge reaches about 0.45 on such a cut of diabetes.
    expect(result.regression!.r2).toBeGreaterThan(0.3);
    expect(result.regression!.mse).toBeCloseTo(result.history.at(-1)!.val_loss!, 5);
    expect(result.validation).toBeUndefined();
    await expect(fit(model, train, { epochs: 1, loss: 'mse', workers: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'workers' });
    const { targets: _, ...noTargets } = train;
    await expect(fit(model, noTargets, { epochs: 1, loss: 'mse' })).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringContaining('no regression targets') });
    model.dispose();
  });
});
