import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { testDataset } from '@dlkit/core/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, mapConcurrently, runDl } from './run-dl.test-helpers.js';

// Spawns the built CLI on small subsets of the real MNIST digits.
const DIGITS = testDataset('mnist-cazala');
const PER_DIGIT = 40;
let dir: string;
let pixels: number[][][]; // [digit][sample][784]

/** The CLI under /usr/bin/time: exit code, stderr without time's line, peak RSS in MB and seconds. */
async function measured(args: string[]) {
  const started = performance.now();
  const r = await runDl(args, { cwd: dir, timeoutMs: 120_000, prefix: ['/usr/bin/time', '-f', 'rss_kb=%M'] });
  const rss = Number(/rss_kb=(\d+)/.exec(r.stderr)?.[1]) / 1024;
  return { code: r.code, stderr: r.stderr.replace(/rss_kb=\d+\n/, '').replace(/^Command exited with non-zero status \d+\n/m, ''), rssMb: rss, seconds: (performance.now() - started) / 1000 };
}

const dl = (args: string[], cwd = dir) => runDl(args, { cwd, timeoutMs: 180_000 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-cli-train-'));
  pixels = [];
  if (!DIGITS) return;
  await mkdir(join(dir, 'subset'));
  for (let d = 0; d < 10; d++) {
    const data = (JSON.parse(await readFile(join(DIGITS!, `${d}.json`), 'utf8')) as { data: number[] }).data;
    pixels.push(Array.from({ length: PER_DIGIT * 2 }, (_, i) => data.slice(i * 784, (i + 1) * 784)));
    // The first PER_DIGIT of each digit as a small digits dataset in the same JSON format.
    await writeFile(join(dir, 'subset', `${d}.json`), JSON.stringify({ data: data.slice(0, PER_DIGIT * 784) }));
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const png = (values: number[]) =>
  sharp(Buffer.from(values.map((v) => Math.round(v * 255))), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();

describe.skipIf(!DIGITS)('dl train', () => {
  it('train <config.json> on an image folder: learns, saves a model that `vision classify --model` reads', async () => {
    for (const d of [0, 1, 7]) {
      await mkdir(join(dir, 'images', String(d)), { recursive: true });
      for (let i = 0; i < PER_DIGIT; i++) await writeFile(join(dir, 'images', String(d), `${i}.png`), await png(pixels[d]![i]!));
    }
    // Unseen digits to classify afterwards.
    for (const d of [0, 1, 7]) await writeFile(join(dir, `unseen-${d}.png`), await png(pixels[d]![PER_DIGIT + 5]!));
    await writeFile(
      join(dir, 'train.json'),
      JSON.stringify({
        name: 'zero-one-seven',
        data: { type: 'image-folder', path: 'images', width: 28, height: 28, channels: 1 },
        validation: { split: 0.2 },
        model: { architecture: 'cnn-small' },
        epochs: 6,
        batchSize: 16,
        optimizer: { name: 'adam', learningRate: 0.002 },
        log: 'log.csv',
        out: 'model',
      }),
    );
    const r = await dl(['train', 'train.json', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { output } = JSON.parse(r.stdout) as { output: { stopReason: string; validation: { accuracy: number }; model: string } };
    expect(output.stopReason).toBe('completed');
    expect(output.validation.accuracy).toBeGreaterThan(0.8);
    expect(output.model).toBe(join(dir, 'model'));
    expect((await readFile(join(dir, 'log.csv'), 'utf8')).trim().split('\n')).toHaveLength(7);
    const manifest = JSON.parse(await readFile(join(dir, 'model', 'dlkit.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'zero-one-seven', runtime: 'tfjs-layers', input: { kind: 'image', width: 28, height: 28, channels: 1 } });
    const c = await dl(['vision', 'classify', '--json', '--topk', '1', '--model', 'model', 'unseen-0.png', 'unseen-1.png', 'unseen-7.png']);
    expect(c.code, c.stderr).toBe(0);
    const labels = c.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { output: Array<{ label: string }> }).output[0]!.label);
    expect(labels.filter((l, i) => l === ['0', '1', '7'][i]).length).toBeGreaterThanOrEqual(2);
  });

  it('train <config.json> on a CSV, and a config error is a clear one-liner', async () => {
    // 7x7 average-pooled digits as 49 numeric columns, label last: real data in a tabular shape.
    const rows = ['label,' + Array.from({ length: 49 }, (_, i) => `p${i}`).join(',')];
    for (let d = 0; d < 10; d++) {
      for (const image of pixels[d]!.slice(0, PER_DIGIT)) {
        const pooled = Array.from({ length: 49 }, (_, k) => {
          const [by, bx] = [Math.floor(k / 7) * 4, (k % 7) * 4];
          let s = 0;
          for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) s += image[(by + y) * 28 + bx + x]!;
          return (s / 16).toFixed(3);
        });
        rows.push(`${d},${pooled.join(',')}`);
      }
    }
    await writeFile(join(dir, 'digits.csv'), rows.join('\n'));
    await writeFile(join(dir, 'csv.json'), JSON.stringify({ data: { type: 'csv', path: 'digits.csv', label: 'label' }, model: { architecture: 'mlp', hidden: [64] }, epochs: 15, seed: 3, schedule: { type: 'cosine' } }));
    const r = await dl(['train', 'csv.json', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).output.validation.accuracy).toBeGreaterThan(0.5);

    await writeFile(join(dir, 'bad.json'), JSON.stringify({ data: { type: 'csv', path: 'digits.csv', label: 'label' }, model: { architecture: 'resnet9000' } }));
    const bad = await dl(['train', 'bad.json']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^dl: INVALID_ARGUMENT: .*model.*architecture.*use one of mlp, cnn-small, cnn$/);
    await writeFile(join(dir, 'nolabel.json'), JSON.stringify({ data: { type: 'csv', path: 'digits.csv', label: 'digit' }, model: { architecture: 'mlp' } }));
    const missing = await dl(['train', 'nolabel.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`dl: DATASET_INVALID: ${join(dir, 'digits.csv')}:1: no label column 'digit' in the header (${rows[0]!.split(',').join(', ')})`);
  });

  it('train digits: Ctrl-C writes a checkpoint and exits 130; `dl train --resume DIR` alone finishes the run, its log whole', async () => {
    // Half the subset: this test trains three times (stopped, resumed, and once straight through to compare).
    await mkdir(join(dir, 'subset-half'), { recursive: true });
    for (let d = 0; d < 10; d++) await writeFile(join(dir, 'subset-half', `${d}.json`), JSON.stringify({ data: pixels[d]!.slice(0, PER_DIGIT / 2).flat() }));
    const args = ['train', 'digits', '--data', 'subset-half', '--epochs', '2', '--batch-size', '16', '--out', 'digits-model', '--log', 'digits.jsonl'];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir });
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('epoch 1/2') && !child.killed) child.kill('SIGINT'); // once: a second one quits at once
    });
    expect(await exited).toBe(130);
    const checkpoint = join(dir, 'digits-model.checkpoint');
    expect(stderr, stderr).toMatch(/ABORTED: training interrupted at epoch 2; checkpoint in .*digits-model\.checkpoint; continue with: dl train --resume \S*digits-model\.checkpoint\n/);
    expect(existsSync(join(checkpoint, 'checkpoint.json'))).toBe(true);
    expect(existsSync(join(dir, 'digits-model'))).toBe(false);

    // From another folder: the checkpoint holds the run's data, out, log and knobs, as absolute paths.
    const resumed = await dl(['train', '--resume', checkpoint], tmpdir());
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('epoch 2/2');
    expect(resumed.stderr).not.toContain('epoch 1/2');
    expect(resumed.stdout).toMatch(/validation accuracy \d+\.\d+% on 20 examples/);
    const manifest = JSON.parse(await readFile(join(dir, 'digits-model', 'dlkit.json'), 'utf8'));
    expect(manifest.input).toEqual({ kind: 'digits' });
    const log = (await readFile(join(dir, 'digits.jsonl'), 'utf8')).trim().split('\n');
    expect(log.map((line) => (JSON.parse(line) as { epoch: number }).epoch)).toEqual([0, 1]);

    // The same command never interrupted (augmentation, 2 gradient workers, cosine schedule): the same weights, bit for bit.
    const straight = await dl([...args.slice(0, -4), '--out', 'digits-straight', '--log', 'straight.jsonl']);
    expect(straight.code, straight.stderr).toBe(0);
    expect(await readFile(join(dir, 'digits-model', 'weights.bin'))).toEqual(await readFile(join(dir, 'digits-straight', 'weights.bin')));
    expect(await readFile(join(dir, 'digits.jsonl'), 'utf8')).toBe(await readFile(join(dir, 'straight.jsonl'), 'utf8'));
  }, 240_000);

  it('refuses an unknown target, bad numbers and missing data with exit 2 or a typed error', async () => {
    // Independent runs, each mostly its cold start, three at a time; only one of them claims the default --out.
    const [none, cats, zero, r] = await mapConcurrently(
      [['train'], ['train', 'cats'], ['train', 'digits', '--epochs', '0', '--data', 'subset'], ['train', 'digits', '--data', 'nowhere/']],
      3,
      (args) => dl(args),
    );
    expect(none!.code).toBe(2);
    expect(cats!.code).toBe(2);
    expect(zero!.code).toBe(2);
    expect(r!.code).toBe(1);
    expect(r!.stderr).toMatch(/^dl: DATASET_INVALID: nowhere\/: no such folder/);
    await mkdir(join(dir, 'empty-folder'), { recursive: true });
    const empty = await dl(['train', 'digits', '--data', 'empty-folder']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^dl: DATASET_INVALID: empty-folder holds neither/);
  });

  it('parses numbers strictly and bounds the knobs by the machine and the data, refusing fast and small', async () => {
    // The usage errors are independent runs, each mostly its cold start: three at a time.
    const badEpochs = ['0x10', '1e3', ' 5', '+5', '5.0', '-1', ''];
    const usage = await mapConcurrently(
      [
        ...badEpochs.map((epochs) => ['train', 'digits', '--data', 'subset', '--epochs', epochs]),
        ['train', 'digits', '--data', 'subset', '--batch-size', '1e12'],
        ['train', 'digits', '--data', 'subset', '--workers', '64'],
        ['nlp', 'fine-tune', 'x.csv', '--text-column', 't', '--label-column', 'y', '--out', 'o', '--epochs', '0x10'],
        ['vision', 'fine-tune', 'images', '--out', 'o', '--epochs', '1e3'],
      ],
      3,
      (args) => dl(args),
    );
    badEpochs.forEach((epochs, i) => {
      const r = usage[i]!;
      expect(r.code, `--epochs '${epochs}': ${r.stderr}`).toBe(2);
      // `-1` is taken for an option by the argument parser: a usage error too, in its words.
      if (!epochs.startsWith('-')) expect(r.stderr).toContain('--epochs must be a positive integer in decimal digits');
    });
    const [batch, workers, nlpEpochs, visionEpochs] = usage.slice(badEpochs.length);
    expect(batch!.code).toBe(2);
    expect(workers!.code).toBe(2);
    expect(workers!.stderr).toContain(`--workers must be at most ${availableParallelism()} (this machine has ${availableParallelism()} cores), got 64`);
    expect(nlpEpochs!.code).toBe(2);
    expect(visionEpochs!.code).toBe(2);

    // A config: 10,000 workers, a 1e10-weight MLP, a layers file that is a zip: typed one-liners, before any work.
    await writeFile(join(dir, 'small.csv'), ['a,b,y', ...Array.from({ length: 30 }, (_, i) => `${i % 5},${i % 3},${i % 2}`)].join('\n'));
    await writeFile(join(dir, 'not-json.json'), 'PK\u0003\u0004');
    const config = (extra: object) => JSON.stringify({ data: { type: 'csv', path: 'small.csv', label: 'y' }, model: { architecture: 'mlp' }, epochs: 1, ...extra });
    const cases: Array<[object, RegExp]> = [
      [{ workers: 10_000 }, new RegExp(`^dl: INVALID_ARGUMENT: .*workers: at most ${availableParallelism()}: this machine has ${availableParallelism()} cores$`)],
      [{ epochs: '0x10' }, /^dl: INVALID_ARGUMENT: .*epochs: /],
      [{ model: { architecture: 'mlp', hidden: [100_000, 100_000] } }, /^dl: INVALID_ARGUMENT: Training needs an estimated [\d.]+ GiB \(10,000,\d{3},\d{3} weights, batch size \d+\); the budget is [\d.]+ GiB/],
      [{ model: { layers: 'not-json.json' } }, /^dl: MODEL_INVALID: .*not-json\.json: not a JSON tfjs layers model/],
    ];
    for (const [extra, expected] of cases) {
      await writeFile(join(dir, 'knobs.json'), config(extra));
      const r = await measured(['train', 'knobs.json']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim()).toMatch(expected);
      // Peak memory shows that no training started; the time bound only catches a hang (a loaded CI machine
      // takes seconds just to start node and load tfjs).
      expect(r.rssMb).toBeLessThan(500);
      expect(r.seconds).toBeLessThan(30);
    }
    // --batch-size above the data trains as one batch of all of it, with a warning.
    await writeFile(join(dir, 'knobs.json'), config({}));
    const clamped = await dl(['train', 'knobs.json', '--batch-size', '100000']);
    expect(clamped.code, clamped.stderr).toBe(0);
    expect(clamped.stderr).toMatch(/^dl: warning: batch size 100000 is more than the (\d+) training examples; training with batches of \1$/m);
  });

  it('never replaces a model in --out: a rerun exits 1 with OUTPUT_EXISTS before training, --force replaces it', async () => {
    const rows = ['a,b,y', ...Array.from({ length: 40 }, (_, i) => `${i % 2},${(i >> 1) % 2},${(i % 2) ^ ((i >> 1) % 2) ? 'yes' : 'no'}`)];
    await writeFile(join(dir, 'twice.csv'), rows.join('\n'));
    await writeFile(join(dir, 'twice.json'), JSON.stringify({ data: { type: 'csv', path: 'twice.csv', label: 'y' }, model: { architecture: 'mlp', hidden: [4] }, epochs: 1, out: 'twice-model' }));
    const first = await dl(['train', 'twice.json']);
    expect(first.code, first.stderr).toBe(0);
    const model = join(dir, 'twice-model');
    const files = async () => Promise.all(['dlkit.json', 'model.json', 'weights.bin', 'labels.json'].map((f) => readFile(join(model, f))));
    const before = await files();

    // Another seed: a replaced model would have other weights.
    const refused = /^dl: OUTPUT_EXISTS: .*twice-model already holds a model \(dlkit\.json\); choose another folder or replace it \(try --force\)$/;
    const again = await measured(['train', 'twice.json', '--seed', '7']);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr.trim()).toMatch(refused);
    expect(again.stderr).not.toMatch(/epoch/);
    expect(await files()).toEqual(before);
    // The other trainers refuse the same folder before reading their data.
    for (const args of [
      ['train', 'digits', '--data', 'subset', '--epochs', '1', '--out', 'twice-model'],
      ['nlp', 'fine-tune', 'texts.csv', '--text-column', 't', '--label-column', 'y', '--out', 'twice-model'],
      ['vision', 'fine-tune', 'images', '--out', 'twice-model'],
    ]) {
      const r = await dl(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim(), args.join(' ')).toMatch(refused);
    }
    expect(await files()).toEqual(before);

    const forced = await dl(['train', 'twice.json', '--seed', '7', '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).output.model).toBe(model);
    const after = await files();
    expect(after[2]).not.toEqual(before[2]);
    expect(JSON.parse(after[0]!.toString()).training).toMatchObject({ seed: 7 });
  });

  it('a config key it does not know is an error naming it, with the key probably meant', async () => {
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ data: { type: 'csv', path: 'twice.csv', label: 'y' }, model: { architecture: 'mlp' }, epoch: 5, out: 'typo-model' }));
    const r = await dl(['train', 'typo.json']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^dl: INVALID_ARGUMENT: .*typo\.json: \(root\): unknown key 'epoch' \(did you mean 'epochs'\?\); the keys here are name, data, /);
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ data: { type: 'csv', path: 'twice.csv', lable: 'y' }, model: { architecture: 'mlp' } }));
    expect((await dl(['train', 'typo.json'])).stderr.trim()).toMatch(/^dl: INVALID_ARGUMENT: .*typo\.json: data: unknown key 'lable' \(did you mean 'label'\?\)/);
    expect(existsSync(join(dir, 'typo-model'))).toBe(false);
  });

  it('refuses to resume a checkpoint edited to epoch 1e9 instead of saving an untrained model', async () => {
    await writeFile(join(dir, 'resume.json'), JSON.stringify({ data: { type: 'csv', path: 'small.csv', label: 'y' }, model: { architecture: 'mlp', hidden: [4] }, epochs: 1, out: 'resumed' }));
    expect((await dl(['train', 'resume.json'])).code).toBe(0);
    const file = join(dir, 'resumed.checkpoint', 'checkpoint.json');
    const header = JSON.parse(await readFile(file, 'utf8')) as { data: { epoch: number } };
    header.data.epoch = 1e9;
    await writeFile(file, JSON.stringify(header));
    await rm(join(dir, 'resumed'), { recursive: true });
    const r = await dl(['train', 'resume.json', '--resume', join(dir, 'resumed.checkpoint')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^dl: CHECKPOINT_INVALID: Checkpoint .* cannot be resumed: epoch is 1000000000, more than the 1 epochs of this run$/);
    expect(existsSync(join(dir, 'resumed'))).toBe(false);
  });
});

/** Resolves with the exit code of a command run to its end. */
const exitOf = (command: string, args: string[], cwd: string) =>
  new Promise<number | null>((done) => spawn(command, args, { cwd, stdio: 'ignore' }).on('close', done).on('error', () => done(null)));

describe.skipIf(!DIGITS)('dl train --resume DIR alone; a model folder that a full disk or a second run never spoils', () => {
  /** 7x7 average-pooled digits as 49 numeric columns, label first: the real digits as a table. */
  const pooledCsv = () => {
    const rows = ['label,' + Array.from({ length: 49 }, (_, i) => `p${i}`).join(',')];
    for (let d = 0; d < 10; d++) {
      for (const image of pixels[d]!.slice(0, PER_DIGIT)) {
        const pooled = Array.from({ length: 49 }, (_, k) => {
          const [by, bx] = [Math.floor(k / 7) * 4, (k % 7) * 4];
          let s = 0;
          for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) s += image[(by + y) * 28 + bx + x]!;
          return (s / 16).toFixed(3);
        });
        rows.push(`${d},${pooled.join(',')}`);
      }
    }
    return rows.join('\n');
  };
  const config = (extra: object = {}) =>
    JSON.stringify({
      data: { type: 'csv', path: 'pooled.csv', label: 'label' },
      model: { architecture: 'mlp', hidden: [32], dropout: 0.1 },
      epochs: 6,
      batchSize: 8,
      seed: 2,
      schedule: { type: 'cosine', warmupEpochs: 0.5 },
      ...extra,
    });

  it('a config run stopped by Ctrl-C and continued by `dl train --resume DIR` ends at the weights of an unstopped run; contradicting flags are usage errors', async () => {
    await writeFile(join(dir, 'pooled.csv'), pooledCsv());
    await writeFile(join(dir, 'resume-csv.json'), config());
    const straight = await dl(['train', 'resume-csv.json', '--out', 'csv-straight', '--log', 'csv-straight.jsonl']);
    expect(straight.code, straight.stderr).toBe(0);

    const child = spawn(process.execPath, [BIN, 'train', 'resume-csv.json', '--out', 'csv-resumed', '--log', 'csv-resumed.jsonl'], { cwd: dir });
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('epoch 1/6') && !child.killed) child.kill('SIGINT');
    });
    expect(await exited, stderr).toBe(130);
    const checkpoint = join(dir, 'csv-resumed.checkpoint');
    expect(stderr).toContain(`continue with: dl train --resume ${checkpoint}\n`);

    // Flags equal to the run's are fine; others, or another target, are named and refused before any training.
    const contradicted = await dl(['train', '--resume', checkpoint, '--epochs', '7', '--seed', '2', '--log', 'elsewhere.jsonl']);
    expect(contradicted.code).toBe(2);
    expect(contradicted.stderr).toContain(`checkpoint ${checkpoint} continues a run set up otherwise: --epochs 7 (the run has 6), --log elsewhere.jsonl (the run has ${join(dir, 'csv-resumed.jsonl')}); leave them out: dl train --resume ${checkpoint}`);
    const digits = await dl(['train', 'digits', '--resume', checkpoint]);
    expect(digits.code).toBe(2);
    expect(digits.stderr).toContain('is of a `dl train <config.json>` run, not of `dl train digits`');
    // An edited config is not the run's config: refused, naming what changed.
    await writeFile(join(dir, 'edited.json'), config({ epochs: 7 }));
    const edited = await dl(['train', 'edited.json', '--out', 'csv-resumed', '--log', 'csv-resumed.jsonl', '--resume', checkpoint]);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/^dl: INVALID_ARGUMENT: Checkpoint .* continues another run: config\.epochs 7 \(the run has 6\); leave it out/);

    const resumed = await dl(['train', '--resume', checkpoint, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toContain('epoch 1/6');
    expect(JSON.parse(resumed.stdout).output.model).toBe(join(dir, 'csv-resumed'));
    expect(await readFile(join(dir, 'csv-resumed', 'weights.bin'))).toEqual(await readFile(join(dir, 'csv-straight', 'weights.bin')));
    expect(await readFile(join(dir, 'csv-resumed.jsonl'), 'utf8')).toBe(await readFile(join(dir, 'csv-straight.jsonl'), 'utf8'));
  });

  it('a second run into an --out that a live process is training into is BUSY before training; a dead process’s lock is taken over', async () => {
    await writeFile(join(dir, 'pooled.csv'), pooledCsv());
    await writeFile(join(dir, 'busy.json'), config({ epochs: 1, model: { architecture: 'mlp', hidden: [4] } }));
    // This test's own process stands for the first run: alive, holding the lock beside the folder.
    await writeFile(join(dir, 'busy-model.lock'), String(process.pid));
    const busy = await dl(['train', 'busy.json', '--out', 'busy-model']);
    expect(busy.code).toBe(1);
    expect(busy.stderr.trim()).toBe(`dl: BUSY: ${join(dir, 'busy-model')} is being written by process ${process.pid} (${join(dir, 'busy-model.lock')}); wait for it, or stop it`);
    await writeFile(join(dir, 'busy-model.lock'), String(2 ** 30)); // far above any pid this machine hands out
    const taken = await dl(['train', 'busy.json', '--out', 'busy-model']);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toContain(`model saved to ${join(dir, 'busy-model')}`);
    expect(existsSync(join(dir, 'busy-model.lock'))).toBe(false);
  });

  it('a full disk while saving (a 512 KiB tmpfs) is OUTPUT_UNWRITABLE and leaves the previous model as it was, loadable', async (ctx) => {
    const disk = join(dir, 'disk');
    await mkdir(disk, { recursive: true });
    // A private mount namespace where this user may mount a tmpfs; without one (some CI sandboxes) the test is skipped.
    if ((await exitOf('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs -o size=64k tmpfs '${disk}'`], dir)) !== 0) {
      console.log('skipped: the full-disk test needs `unshare -rm` and mount (user namespaces) to make a small tmpfs');
      ctx.skip();
    }
    await writeFile(join(dir, 'pooled.csv'), pooledCsv());
    await writeFile(join(dir, 'small.json'), config({ epochs: 1, model: { architecture: 'mlp', hidden: [4] } }));
    // ~400k weights: 1.6 MB of weights.bin, more than the disk has.
    await writeFile(join(dir, 'big.json'), config({ epochs: 1, model: { architecture: 'mlp', hidden: [600, 600] } }));
    const script = [
      'mount -t tmpfs -o size=512k tmpfs "$1"',
      '"$3" "$4" train small.json --out "$1/m" --checkpoint "$2/ck-small" > /dev/null 2>&1 || exit 10',
      'cp -r "$1/m" "$2/before"',
      '"$3" "$4" train big.json --out "$1/m" --force --checkpoint "$2/ck-big" 2> "$2/big.err"; echo $? > "$2/big.rc"',
      'ls -A "$1" > "$2/left"; cp -r "$1/m" "$2/after"',
    ].join(' && ');
    const run = join(dir, 'disk-run');
    await mkdir(run, { recursive: true });
    expect(await exitOf('unshare', ['-rm', 'sh', '-c', script, 'sh', disk, run, process.execPath, BIN], dir)).toBe(0);
    expect((await readFile(join(run, 'big.rc'), 'utf8')).trim()).toBe('1');
    expect(await readFile(join(run, 'big.err'), 'utf8')).toMatch(
      /^dl: OUTPUT_UNWRITABLE: Could not save the model to .*\/disk\/m: ENOSPC: no space left on device, .*; the model already there is unchanged$/m,
    );
    // Nothing half-written beside it, no lock left behind.
    expect((await readFile(join(run, 'left'), 'utf8')).trim()).toBe('m');
    for (const file of ['dlkit.json', 'model.json', 'weights.bin', 'labels.json']) {
      expect(await readFile(join(run, 'after', file)), file).toEqual(await readFile(join(run, 'before', file)));
    }
    const { loadManifest, loadLayersModel } = await import('@dlkit/core');
    const model = await loadLayersModel(await loadManifest(join(run, 'after')));
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    model.dispose();
  });
});

describe('dl train digits / fashion: data from the registry or a folder, from any folder', () => {
  const FASHION = testDataset('fashion-mnist');
  const idx = (magic: number, dims: number[], bytes: Uint8Array) => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    return gzipSync(Buffer.concat([header, bytes]));
  };

  it.skipIf(!FASHION)('train fashion on a folder of its IDX files (the first 300 real training images): garment names, and `vision classify --model` reads it', async () => {
    const { loadFashionData } = await import('@dlkit/vision');
    const data = await loadFashionData(FASHION!);
    const picks = Array.from({ length: 300 }, (_, i) => i);
    const bytes = Uint8Array.from(await data.read(picks), (v) => Math.round(v * 255));
    await mkdir(join(dir, 'fashion-300'), { recursive: true });
    await writeFile(join(dir, 'fashion-300', 'train-images-idx3-ubyte.gz'), idx(0x803, [300, 28, 28], bytes));
    await writeFile(join(dir, 'fashion-300', 'train-labels-idx1-ubyte.gz'), idx(0x801, [300], Uint8Array.from(data.labels.subarray(0, 300))));
    const r = await dl(['train', 'fashion', '--data', 'fashion-300', '--epochs', '1', '--batch-size', '32', '--out', 'fashion-model', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, 'fashion-model', 'dlkit.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'fashion', task: 'image-classification', input: { kind: 'image', width: 28, height: 28, channels: 1 } });
    const garments = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
    expect(JSON.parse(await readFile(join(dir, 'fashion-model', 'labels.json'), 'utf8'))).toEqual(garments);
    await writeFile(join(dir, 'garment.png'), await png(Array.from(bytes.subarray(299 * 784, 300 * 784), (v) => v / 255)));
    const c = await dl(['vision', 'classify', '--json', '--topk', '2', '--model', 'fashion-model', 'garment.png']);
    expect(c.code, c.stderr).toBe(0);
    const top = (JSON.parse(c.stdout) as { output: Array<{ label: string }> }).output;
    expect(top).toHaveLength(2);
    expect(garments).toContain(top[0]!.label);
  });

  it.skipIf(!FASHION)('train fashion --data fashion-mnist --limit 200, run in an empty folder, reads the registered set through DL_DATA_MIRROR', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'dlkit-anywhere-'));
    try {
      const env = { DL_CACHE: join(empty, 'cache'), DL_OFFLINE: '1' };
      const r = await runDl(['train', 'fashion', '--data', 'fashion-mnist', '--limit', '200', '--epochs', '1', '--batch-size', '50', '--out', 'm'], { cwd: empty, env, timeoutMs: 180_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/validation accuracy \d+\.\d+% on 2\d examples/); // a stratified tenth of 200
      const manifest = JSON.parse(await readFile(join(empty, 'm', 'dlkit.json'), 'utf8'));
      expect(manifest.training.data).toMatch(/^200 images \(.*train-images-idx3-ubyte\.gz \(200 sampled by seed 42\)\)/);
      expect(JSON.parse(await readFile(join(empty, 'm', 'labels.json'), 'utf8'))).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
      expect((await dl(['train', 'fashion', '--limit', '0'], empty)).code).toBe(2);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('train digits from an empty folder, offline, without MNIST anywhere: DATASET_OFFLINE naming `dl data pull mnist`; an unknown name or a missing path is a typed error', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'dlkit-anywhere-'));
    try {
      const env = { DL_CACHE: join(empty, 'cache'), DL_DATA_MIRROR: join(empty, 'no-mirror'), DL_OFFLINE: '1' };
      const r = await runDl(['train', 'digits', '--epochs', '1'], { cwd: empty, env });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^dl: DATASET_OFFLINE: Data set mnist is not cached or in a DL_DATA_MIRROR folder/);
      expect(r.stderr).toContain('dl data pull mnist');
      const unknown = await runDl(['train', 'digits', '--data', 'fashion-mnsit'], { cwd: empty, env });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^dl: INVALID_ARGUMENT: 'fashion-mnsit' is not a registered data set/);
      expect(unknown.stderr).toContain('fashion-mnist');
      const path = await runDl(['train', 'fashion', '--data', './nowhere'], { cwd: empty, env });
      expect(path.code).toBe(1);
      expect(path.stderr.trim()).toBe('dl: DATASET_INVALID: ./nowhere: no such folder (nor a registered data set name)');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
