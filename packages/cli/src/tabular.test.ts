import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDataset } from '@dlkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDl, type DlRun } from './run-dl.test-helpers.js';

// The built CLI on Fisher's iris flowers (packages/tabular/test-data): train once, then predict and refuse.
const IRIS = fileURLToPath(new URL('../../tabular/test-data/iris.csv', import.meta.url));
const MAIN = new URL('../dist/main.js', import.meta.url).href;
let dir: string;
let lines: string[];

/**
 * Runs dl command lines one after another in ONE spawned node, through the built CLI's `main` (what bin.js runs),
 * each with its own exit code, stdout and stderr: a node start and module load per command made this file slow.
 */
async function dlInOneProcess(commands: string[][]): Promise<DlRun[]> {
  const script = `const { main } = await import(${JSON.stringify(MAIN)});
    const real = process.stdout.write.bind(process.stdout);
    const runs = [];
    for (const argv of JSON.parse(process.argv[1])) {
      const run = { code: null, signal: null, stdout: '', stderr: '' };
      const capture = (key) => (chunk, ...rest) => { run[key] += String(chunk); rest.find((f) => typeof f === 'function')?.(); return true; };
      process.stdout.write = capture('stdout');
      process.stderr.write = capture('stderr');
      run.code = await main(argv).catch((e) => { run.stderr += 'dl: INTERNAL: ' + e.message; return 1; });
      runs.push(run);
    }
    process.stdout.write = real;
    process.stdout.write(JSON.stringify(runs));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(commands)], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as DlRun[];
}

const COMMANDS = {
  trained: ['tabular', 'train', 'iris.csv', '--label', 'species', '--epochs', '40', '--out', 'flowers', '--json'],
  again: ['tabular', 'train', 'iris.csv', '--label', 'species', '--out', 'flowers'],
  csv: ['tabular', 'predict', '--model', 'flowers', 'new.csv'],
  jsonl: ['tabular', 'predict', '--model', 'flowers', 'new.csv', '--format', 'jsonl', '--out', 'p.jsonl'],
  exists: ['tabular', 'predict', '--model', 'flowers', 'new.csv', '--out', 'p.jsonl'],
  json: ['tabular', 'predict', '--model', 'flowers', 'new.csv', '--json'],
  missing: ['tabular', 'predict', '--model', 'flowers', 'short.csv'],
  bad: ['tabular', 'predict', '--model', 'flowers', 'bad.csv'],
  noLabel: ['tabular', 'train', 'iris.csv'],
  wrong: ['tabular', 'train', 'iris.csv', '--label', 'specis', '--out', 'x'],
  constant: ['tabular', 'train', 'constant.csv', '--label', 'y'],
  task: ['tabular', 'train', 'iris.csv', '--label', 'species', '--task', 'ranking'],
  none: ['tabular', 'predict', 'iris.csv'],
};
let r: Record<keyof typeof COMMANDS, DlRun>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-cli-tabular-'));
  lines = (await readFile(IRIS, 'utf8')).trim().split('\n');
  await writeFile(join(dir, 'iris.csv'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'new.csv'), `${[`id,${lines[0]}`, ...lines.slice(1, 4).map((l, i) => `${i},${l}`)].join('\n')}\n`);
  await writeFile(join(dir, 'short.csv'), `sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n`);
  await writeFile(join(dir, 'bad.csv'), `${lines[0]}\n${lines[1]}\n5.0,wide,1.4,0.2,setosa\n`);
  await writeFile(join(dir, 'constant.csv'), 'x,y\n1,a\n2,a\n');
  const runs = await dlInOneProcess(Object.values(COMMANDS));
  r = Object.fromEntries(Object.keys(COMMANDS).map((name, i) => [name, runs[i]!])) as typeof r;
  expect(r.trained.stderr).toContain("dl: task: classification (label 'species': 3 distinct values)");
  expect(r.trained.code, r.trained.stderr).toBe(0);
}, 300_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('dl tabular train and predict (iris)', () => {
  it('trains, says the task it chose, and refuses to replace the model without --force', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'flowers', 'dlkit.json'), 'utf8'));
    expect([manifest.task, manifest.input.kind, manifest.input.label]).toEqual(['tabular-classification', 'table', 'species']);
    expect([r.again.code, r.again.stderr]).toEqual([1, expect.stringContaining('dl: OUTPUT_EXISTS: ')]);
  });

  it('writes the rows with their predicted class and probability as CSV, JSONL or --json results', async () => {
    expect(r.csv.code, r.csv.stderr).toBe(0);
    const out = r.csv.stdout.trim().split('\n');
    expect(out[0]).toBe('id,sepal_length,sepal_width,petal_length,petal_width,species,predicted_species,score');
    expect(out.slice(1).map((l) => l.split(',')[6])).toEqual(['setosa', 'setosa', 'setosa']);
    // An id column the model never saw is said and ignored; the label column is not the model's input either.
    expect(r.csv.stderr).toContain('dl: note: new.csv: column id not used by the model (ignored)');
    expect(r.jsonl.code, r.jsonl.stderr).toBe(0);
    const first = JSON.parse((await readFile(join(dir, 'p.jsonl'), 'utf8')).split('\n')[0]!);
    expect(first).toMatchObject({ id: '0', predicted_species: 'setosa', score: expect.any(Number) });
    expect([r.exists.code, r.exists.stderr]).toEqual([1, expect.stringContaining('dl: OUTPUT_EXISTS: p.jsonl exists')]);
    const results = r.json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(results[0]).toEqual({ input: 'new.csv:2', output: [{ label: 'setosa', score: expect.any(Number) }] });
  });

  it('a table without a column the model reads is DATASET_INVALID naming it; a bad value fails its row alone', () => {
    expect([r.missing.code, r.missing.stdout]).toEqual([1, '']);
    expect(r.missing.stderr.trim()).toBe("dl: DATASET_INVALID: short.csv has no column 'petal_width': the model was trained on sepal_length, sepal_width, petal_length, petal_width");
    expect(r.bad.code).toBe(1);
    expect(r.bad.stderr).toContain(`dl: INPUT_UNREADABLE: bad.csv:3: Column 'sepal_width' is "wide", not a number`);
    expect(r.bad.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('bad training tables and flags exit cleanly with a typed error or a usage error', () => {
    expect([r.noLabel.code, r.noLabel.stderr]).toEqual([2, expect.stringContaining('tabular train needs --label COLUMN')]);
    expect([r.wrong.code, r.wrong.stderr]).toEqual([1, expect.stringContaining("dl: INVALID_ARGUMENT: iris.csv has no column 'specis' to predict (did you mean 'species'?)")]);
    expect([r.constant.code, r.constant.stderr]).toEqual([1, expect.stringContaining("dl: DATASET_INVALID: constant.csv: the label 'y' has one value (a) in every row")]);
    expect([r.task.code, r.task.stderr]).toEqual([2, expect.stringContaining('--task must be classification or regression')]);
    expect([r.none.code, r.none.stderr]).toEqual([2, expect.stringContaining('tabular predict needs --model DIR')]);
  });
});

const cancer = testDataset('breast-cancer');
describe.skipIf(!cancer)('dl tabular train <data set>', () => {
  it('trains on a registered set by name, its label column by default', async () => {
    const run = await runDl(['tabular', 'train', 'breast-cancer', '--epochs', '5', '--out', 'tumours', '--json'], { cwd: dir, timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("dl: task: classification (label 'diagnosis': 2 distinct values)");
    const { output } = JSON.parse(run.stdout);
    // The registry's train split: the 569 tumours less its stratified 20% test cut (42 of 212 malignant, 71 of 357 benign).
    expect(output.split.train + output.split.validation).toBe(456);
  });
});
