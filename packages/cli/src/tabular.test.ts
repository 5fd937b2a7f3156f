import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDataset } from '@dlkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDl } from './run-dl.test-helpers.js';

// Spawns the built CLI on Fisher's iris flowers (packages/tabular/test-data): train once, then predict and refuse.
const IRIS = fileURLToPath(new URL('../../tabular/test-data/iris.csv', import.meta.url));
let dir: string;
let lines: string[];
const dl = (args: string[]) => runDl(args, { cwd: dir, timeoutMs: 180_000 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-cli-tabular-'));
  lines = (await readFile(IRIS, 'utf8')).trim().split('\n');
  await writeFile(join(dir, 'iris.csv'), `${lines.join('\n')}\n`);
  const trained = await dl(['tabular', 'train', 'iris.csv', '--label', 'species', '--epochs', '40', '--out', 'flowers', '--json']);
  expect(trained.stderr).toContain("dl: task: classification (label 'species': 3 distinct values)");
  expect(trained.code, trained.stderr).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('dl tabular train and predict (iris)', () => {
  it('trains, says the task it chose, and refuses to replace the model without --force', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'flowers', 'dlkit.json'), 'utf8'));
    expect([manifest.task, manifest.input.kind, manifest.input.label]).toEqual(['tabular-classification', 'table', 'species']);
    const again = await dl(['tabular', 'train', 'iris.csv', '--label', 'species', '--out', 'flowers']);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('dl: OUTPUT_EXISTS: ')]);
  });

  it('writes the rows with their predicted class and probability as CSV, JSONL or --json results', async () => {
    await writeFile(join(dir, 'new.csv'), `${[`id,${lines[0]}`, ...lines.slice(1, 4).map((l, i) => `${i},${l}`)].join('\n')}\n`);
    const csv = await dl(['tabular', 'predict', '--model', 'flowers', 'new.csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const out = csv.stdout.trim().split('\n');
    expect(out[0]).toBe('id,sepal_length,sepal_width,petal_length,petal_width,species,predicted_species,score');
    expect(out.slice(1).map((l) => l.split(',')[6])).toEqual(['setosa', 'setosa', 'setosa']);
    // An id column the model never saw is said and ignored; the label column is not the model's input either.
    expect(csv.stderr).toContain('dl: note: new.csv: column id not used by the model (ignored)');
    const jsonl = await dl(['tabular', 'predict', '--model', 'flowers', 'new.csv', '--format', 'jsonl', '--out', 'p.jsonl']);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const first = JSON.parse((await readFile(join(dir, 'p.jsonl'), 'utf8')).split('\n')[0]!);
    expect(first).toMatchObject({ id: '0', predicted_species: 'setosa', score: expect.any(Number) });
    const exists = await dl(['tabular', 'predict', '--model', 'flowers', 'new.csv', '--out', 'p.jsonl']);
    expect([exists.code, exists.stderr]).toEqual([1, expect.stringContaining('dl: OUTPUT_EXISTS: p.jsonl exists')]);
    const json = await dl(['tabular', 'predict', '--model', 'flowers', 'new.csv', '--json']);
    const results = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results[0]).toEqual({ input: 'new.csv:2', output: [{ label: 'setosa', score: expect.any(Number) }] });
  });

  it('a table without a column the model reads is DATASET_INVALID naming it; a bad value fails its row alone', async () => {
    await writeFile(join(dir, 'short.csv'), `sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n`);
    const missing = await dl(['tabular', 'predict', '--model', 'flowers', 'short.csv']);
    expect([missing.code, missing.stdout]).toEqual([1, '']);
    expect(missing.stderr.trim()).toBe("dl: DATASET_INVALID: short.csv has no column 'petal_width': the model was trained on sepal_length, sepal_width, petal_length, petal_width");
    await writeFile(join(dir, 'bad.csv'), `${lines[0]}\n${lines[1]}\n5.0,wide,1.4,0.2,setosa\n`);
    const bad = await dl(['tabular', 'predict', '--model', 'flowers', 'bad.csv']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`dl: INPUT_UNREADABLE: bad.csv:3: Column 'sepal_width' is "wide", not a number`);
    expect(bad.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('bad training tables and flags exit cleanly with a typed error or a usage error', async () => {
    const noLabel = await dl(['tabular', 'train', 'iris.csv']);
    expect([noLabel.code, noLabel.stderr]).toEqual([2, expect.stringContaining('tabular train needs --label COLUMN')]);
    const wrong = await dl(['tabular', 'train', 'iris.csv', '--label', 'specis', '--out', 'x']);
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining("dl: INVALID_ARGUMENT: iris.csv has no column 'specis' to predict (did you mean 'species'?)")]);
    await writeFile(join(dir, 'constant.csv'), 'x,y\n1,a\n2,a\n');
    const constant = await dl(['tabular', 'train', 'constant.csv', '--label', 'y']);
    expect([constant.code, constant.stderr]).toEqual([1, expect.stringContaining("dl: DATASET_INVALID: constant.csv: the label 'y' has one value (a) in every row")]);
    const task = await dl(['tabular', 'train', 'iris.csv', '--label', 'species', '--task', 'ranking']);
    expect([task.code, task.stderr]).toEqual([2, expect.stringContaining('--task must be classification or regression')]);
    const none = await dl(['tabular', 'predict', 'iris.csv']);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('tabular predict needs --model DIR')]);
  });
});

const cancer = testDataset('breast-cancer');
describe.skipIf(!cancer)('dl tabular train <data set>', () => {
  it('trains on a registered set by name, its label column by default', async () => {
    const r = await dl(['tabular', 'train', 'breast-cancer', '--epochs', '5', '--out', 'tumours', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("dl: task: classification (label 'diagnosis': 2 distinct values)");
    const { output } = JSON.parse(r.stdout);
    // The registry's train split: the 569 tumours less its stratified 20% test cut (42 of 212 malignant, 71 of 357 benign).
    expect(output.split.train + output.split.validation).toBe(456);
  });
});
