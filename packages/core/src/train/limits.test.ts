import { availableParallelism } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../errors.js';
import { buildArchitecture, modelFromLayersJson } from './architectures.js';
import { checkpoints } from './callbacks/checkpoints.js';
import { parseTrainConfig, readTrainConfig, trainFromConfig } from './config.js';
import { fromArrays, type Dataset } from './data/dataset.js';
import { fit } from './fit.js';

// Training knobs bounded by the machine and the data (issue 17): each case is refused before allocating.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-limits-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** 40 rows of 4 features in two separable classes: enough to train one epoch in milliseconds. */
const tiny = (): Dataset =>
  fromArrays({
    features: Float32Array.from({ length: 160 }, (_, i) => ((i % 4) + Math.floor(i / 80)) / 4),
    shape: [4],
    labels: Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1)),
    source: 'tiny',
  });

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

describe('training knobs', () => {
  it('refuses more workers than cores, naming the count', async () => {
    const model = await buildArchitecture('mlp', { inputShape: [4], classes: 2, hidden: [4] });
    const error = await failure(fit(model, tiny(), { epochs: 1, workers: availableParallelism() + 1 }));
    expect(isDlError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error!.message).toContain(`this machine has ${availableParallelism()} cores`);
    model.dispose();
  });

  it('clamps a batch size above the data to the data, and says so', async () => {
    const model = await buildArchitecture('mlp', { inputShape: [4], classes: 2, hidden: [4] });
    const warnings: string[] = [];
    const result = await fit(model, tiny(), { epochs: 1, batchSize: 1e12, onWarning: (m) => warnings.push(m) });
    expect(result.stopReason).toBe('completed');
    expect(warnings).toEqual(['batch size 1000000000000 is more than the 40 training examples; training with batches of 40']);
    model.dispose();
  });

  it('refuses a batch whose activations exceed the memory budget, before reading any batch', async () => {
    const model = await buildArchitecture('cnn-small', { inputShape: [28, 28, 1], classes: 2 });
    let reads = 0;
    // A million 28x28 images that are never read: the estimate alone refuses the step.
    const huge: Dataset = { size: 1e6, featureShape: [28, 28, 1], classes: ['a', 'b'], labels: new Int32Array(1e6).map((_, i) => i % 2), source: 'huge', read: async (i) => (reads++, new Float32Array(i.length * 784)) };
    const error = await failure(fit(model, huge, { epochs: 1, batchSize: 1e6 }));
    expect(isDlError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error!.message).toMatch(/needs an estimated [\d.]+ GiB .*batch size 1000000\).*the budget is [\d.]+ GiB/);
    expect(reads).toBe(0);
    model.dispose();
  });

  it('refuses a 1e10-weight model before building it (architecture and layers JSON)', async () => {
    const started = performance.now();
    const mlp = await failure(buildArchitecture('mlp', { inputShape: [100_000], classes: 2, hidden: [100_000] }));
    expect(isDlError(mlp, 'INVALID_ARGUMENT')).toBe(true);
    expect(mlp!.message).toMatch(/Architecture mlp has 10,000,\d{3},\d{3} weights: training needs at least an estimated [\d.]+ GiB; the budget is/);
    const layers = {
      class_name: 'Sequential',
      config: { name: 'big', layers: [{ class_name: 'Dense', config: { units: 100_000, batch_input_shape: [null, 100_000] } }, { class_name: 'Dense', config: { units: 2 } }] },
    };
    const json = await failure(modelFromLayersJson(layers));
    expect(isDlError(json, 'INVALID_ARGUMENT')).toBe(true);
    expect(json!.message).toMatch(/^The layers JSON has 10,000,\d{3},\d{3} weights/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('training configs', () => {
  const base = { data: { type: 'csv', path: 'd.csv', label: 'y' }, model: { architecture: 'mlp' } };
  it('takes integers as JSON numbers only, and workers up to the cores', () => {
    for (const epochs of ['0x10', '16', [2], 1.5, 1e9]) {
      expect(() => parseTrainConfig({ ...base, epochs }), String(epochs)).toThrow(/epochs/);
    }
    expect(() => parseTrainConfig({ ...base, workers: 10_000 })).toThrow(`workers: at most ${availableParallelism()}: this machine has ${availableParallelism()} cores`);
    // Image folders are vision's: their bounds are tested in packages/vision/src/datasets.
  });

  it('a layers file that is not JSON, or too big, is a typed error naming it', async () => {
    await writeFile(join(dir, 'd.csv'), ['a,b,y', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${i % 2}`)].join('\n'));
    await writeFile(join(dir, 'layers.json'), 'PK\u0003\u0004 not json');
    const config = (layers: string) => parseTrainConfig({ ...base, model: { layers }, epochs: 1 });
    const notJson = await failure(trainFromConfig(config('layers.json'), { baseDir: dir }));
    expect(isDlError(notJson, 'MODEL_INVALID')).toBe(true);
    expect(notJson!.message).toContain(`${join(dir, 'layers.json')}: not a JSON tfjs layers model`);
    await writeFile(join(dir, 'big.json'), `[${' '.repeat(5 * 1024 * 1024)}]`);
    const big = await failure(trainFromConfig(config('big.json'), { baseDir: dir }));
    expect(isDlError(big, 'INPUT_TOO_LARGE')).toBe(true);
    await writeFile(join(dir, 'cfg.json'), '{"epochs": 0x10}');
    expect(isDlError(await failure(readTrainConfig(join(dir, 'cfg.json'))), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('refuses a huge MLP of a config by its memory estimate before building it', async () => {
    const config = parseTrainConfig({ ...base, model: { architecture: 'mlp', hidden: [100_000, 100_000] }, epochs: 1 });
    const error = await failure(trainFromConfig(config, { baseDir: dir }));
    expect(isDlError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error!.message).toMatch(/^Training needs an estimated [\d.]+ GiB \(10,00\d,\d{3},\d{3} weights, batch size 18\); the budget is/);
  });
});

describe('resuming a checkpoint', () => {
  const edit = async (ckpt: string, change: (data: Record<string, unknown>) => void) => {
    const file = join(ckpt, 'checkpoint.json');
    const header = JSON.parse(await readFile(file, 'utf8')) as { data: Record<string, unknown> };
    change(header.data);
    await writeFile(file, JSON.stringify(header));
  };

  it('refuses one that does not belong to the run, naming the field', async () => {
    const ckpt = join(dir, 'ckpt');
    const model = await buildArchitecture('mlp', { inputShape: [4], classes: 2, hidden: [4] });
    await fit(model, tiny(), { epochs: 1, batchSize: 8, callbacks: [checkpoints({ dir: ckpt })] });
    const resume = (options: { batchSize?: number } = {}) => failure(fit(model, tiny(), { epochs: 3, batchSize: 8, resumeFrom: ckpt, ...options }));
    const other = await resume({ batchSize: 16 });
    expect(isDlError(other, 'CHECKPOINT_INVALID')).toBe(true);
    expect(other!.message).toContain('run.batchSize is 8, this run has 16');
    const cases: Array<[(d: Record<string, unknown>) => void, string]> = [
      [(d) => (d.epoch = 1e9), 'epoch is 1000000000, more than the 3 epochs of this run'],
      [(d) => (d.epoch = '1'), 'epoch: '],
      [(d) => (d.epoch = 2), 'globalStep is 5, not epoch x 5 + step'],
      [(d) => ((d.optimizer as { step: number }).step = 1e9), 'optimizer.step is 1000000000, not the 5 steps taken'],
      [(d) => ((d.weights as unknown[]).pop()), 'weights is 3 tensors, this model has 4'],
    ];
    for (const [change, message] of cases) {
      await fit(model, tiny(), { epochs: 1, batchSize: 8, callbacks: [checkpoints({ dir: ckpt })] });
      await edit(ckpt, change);
      const error = await resume();
      expect(isDlError(error, 'CHECKPOINT_INVALID'), message).toBe(true);
      expect(error!.message).toContain(message);
    }
    model.dispose();
  });
});
