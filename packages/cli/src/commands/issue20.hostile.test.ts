import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetEntry } from '@dlkit/core/datasets';
import { testDataset } from '@dlkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDl, type DlRun } from '../run-dl.test-helpers.js';

// The commands of issue 20 given hostile inputs, through the built CLI: what is checked is the exit code and the
// one `dl: CODE: message` line a user (or a script) sees, and that each answer comes in seconds. The readers'
// own cases are in the library's *.hostile.test.ts files (core datasets and checkpoint, tabular table, vision mnist).
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ DL_CACHE: join(dir, 'cache'), DL_OFFLINE: '1' });
const dl = (args: string[], extra: NodeJS.ProcessEnv = {}) => runDl(args, { cwd: dir, env: { ...env(), ...extra }, timeoutMs: 60_000 });
/** Exit 1 and exactly one stderr line, `dl: CODE: ...` matching `line`. */
const refusedWith = (r: DlRun, line: RegExp) => expect([r.code, r.signal, r.stderr.trim().split('\n').filter((l) => !/^dl: (note|warning|task|network)\b/.test(l))]).toEqual([1, null, [expect.stringMatching(line)]]);
const fifo = (path: string) => expect(spawnSync('mkfifo', [path]).status).toBe(0);

const fashion = testDataset('fashion-mnist');
describe('train and resume: a planted FIFO is refused at once (it blocked the run, deaf to SIGTERM)', () => {
  it.skipIf(!fashion)('dl train fashion --data DIR whose images file is a FIFO (the real labels beside it): DATASET_INVALID', async () => {
    const data = join(dir, 'fashion-fifo');
    mkdirSync(data);
    fifo(join(data, 'train-images-idx3-ubyte'));
    copyFileSync(join(fashion!, 'train-labels-idx1-ubyte.gz'), join(data, 'train-labels-idx1-ubyte.gz'));
    const started = performance.now();
    refusedWith(await dl(['train', 'fashion', '--data', data, '--epochs', '1', '--out', join(dir, 'never')]), /^dl: DATASET_INVALID: .*train-images-idx3-ubyte: is a FIFO, not a regular file/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('dl train --resume DIR whose checkpoint.json is a FIFO: CHECKPOINT_INVALID', async () => {
    const checkpoint = join(dir, 'resume-fifo');
    mkdirSync(checkpoint);
    fifo(join(checkpoint, 'checkpoint.json'));
    refusedWith(await dl(['train', '--resume', checkpoint]), /^dl: CHECKPOINT_INVALID: Checkpoint .* cannot be used: checkpoint\.json is unreadable \(.*is a FIFO/);
  });
});

describe('dl tabular train|predict and dl evaluate on hostile tables and lying model folders', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i},${(i * 7) % 5},${i % 2 ? 'p' : 'q'}`).join('\n');

  it('a table of 100,000 columns is INPUT_TOO_LARGE when its header is read (it trained for minutes into a model that could not be saved)', async () => {
    const header = [...Array.from({ length: 100_000 }, (_, i) => `c${i}`), 'y'].join(',');
    writeFileSync(join(dir, 'wide.csv'), `${header}\n${Array.from({ length: 100_001 }, (_, i) => i % 3).join(',')}\n`);
    const started = performance.now();
    refusedWith(await dl(['tabular', 'train', 'wide.csv', '--label', 'y', '--out', 'wide-model']), /^dl: INPUT_TOO_LARGE: wide\.csv:1: a record of more than the 4096 fields allowed$/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('a 10 MB cell in a numeric column: one short stderr line quoting 80 characters of it', async () => {
    writeFileSync(join(dir, 'cell.csv'), `a,b,y\n"${'x'.repeat(10 * 2 ** 20)}",1,p\n${rows(40)}\n`);
    const r = await dl(['tabular', 'train', 'cell.csv', '--label', 'y', '--out', 'cell-model']);
    refusedWith(r, /^dl: DATASET_INVALID: cell\.csv:2: column 'a' holds numbers, but this row has "x{80}\.\.\. \(10485760 characters\)"/);
    expect(r.stderr.length).toBeLessThan(2000);
  });

  it('a model folder whose manifest lies about its input width (a tiny model trained here): MODEL_INVALID, not an untyped tfjs error', async () => {
    writeFileSync(join(dir, 'small.csv'), `a,b,y\n${rows(60)}\n`);
    const trained = await dl(['tabular', 'train', 'small.csv', '--label', 'y', '--epochs', '1', '--out', 'small-model']);
    expect(trained.code, trained.stderr).toBe(0);
    const lie = (name: string, edit: (input: { columns: Array<{ name: string }>; features: string[]; width: number }) => void) => {
      cpSync(join(dir, 'small-model'), join(dir, name), { recursive: true });
      const manifest = JSON.parse(readFileSync(join(dir, name, 'dlkit.json'), 'utf8'));
      edit(manifest.input);
      writeFileSync(join(dir, name, 'dlkit.json'), JSON.stringify(manifest));
    };
    lie('width-lie', (input) => void (input.width = 5));
    lie('network-lie', (input) => {
      input.columns.push({ ...input.columns[0]!, name: 'a2' });
      input.features.push('a2');
      input.width += 1;
    });
    writeFileSync(join(dir, 'small-a2.csv'), `a,a2,b,y\n${rows(20).replace(/^(\d+),/gm, '$1,$1,')}\n`);
    const [width, network, evaluated] = await Promise.all([
      dl(['tabular', 'predict', '--model', 'width-lie', 'small.csv']),
      dl(['tabular', 'predict', '--model', 'network-lie', 'small-a2.csv']),
      dl(['evaluate', '--model', 'width-lie', 'small.csv', '--label', 'y', '--report', 'report']),
    ]);
    refusedWith(width, /^dl: MODEL_INVALID: .*width-lie\): its input is not a table encoding written by trainTabular \(input: width must be the width of the column encodings\)$/);
    refusedWith(network, /^dl: MODEL_INVALID: .*network-lie\): its manifest encodes rows to 3 numbers, its network takes 2$/);
    refusedWith(evaluated, /^dl: MODEL_INVALID: .*width must be the width of the column encodings/);
  });
});

const RT = testDataset('rt-polarity');
describe.skipIf(!RT)('dl data with a mirror of the real rt-polarity files (offline: nothing is fetched)', () => {
  it('a corrupt verification stamp in the cache no longer makes a good mirror copy invalid; a tampered copy is DATASET_INVALID, never used', async () => {
    const mirror = join(dir, 'mirror');
    cpSync(RT!, join(mirror, 'rt-polarity'), { recursive: true });
    const key = createHash('sha256').update(`rt-polarity\0${join(mirror, 'rt-polarity')}`).digest('hex').slice(0, 32);
    mkdirSync(join(dir, 'cache', 'datasets', '.verified'), { recursive: true });
    const stamp = { version: 1, name: 'rt-polarity', dir: join(mirror, 'rt-polarity'), sha256: datasetEntry('rt-polarity').content.sha256, files: [null, 5] };
    writeFileSync(join(dir, 'cache', 'datasets', '.verified', `${key}.json`), JSON.stringify(stamp));
    const pulled = await dl(['data', 'pull', 'rt-polarity'], { DL_DATA_MIRROR: mirror });
    expect([pulled.code, pulled.stderr]).toEqual([0, '']);
    expect(pulled.stdout).toContain('already here (mirror, checked)');
    writeFileSync(join(mirror, 'rt-polarity', 'rt-polarity.pos'), 'tampered\n');
    const tampered = await dl(['data', 'pull', 'rt-polarity'], { DL_DATA_MIRROR: mirror });
    refusedWith(tampered, /^dl: DATASET_INVALID: The DL_DATA_MIRROR copy of rt-polarity in .* does not match the registry: rt-polarity\.pos/);
  });
});
