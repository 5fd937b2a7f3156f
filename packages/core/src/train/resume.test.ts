import { cp, mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimModelFolder } from '../models/claim.js';
import { buildArchitecture } from './architectures.js';
import type { Callback } from './callbacks/callback.js';
import { checkpoints } from './callbacks/checkpoints.js';
import { readCheckpoint, readTrainingJob } from './checkpoint.js';
import { parseTrainConfig, trainFromConfig, type TrainConfig } from './config.js';
import { fromArrays } from './data/dataset.js';
import { splitDataset } from './data/split.js';
import { fit } from './fit.js';
import { DIGITS_DIR, realDigits } from './real-digits.test-helpers.js';
import { resumedOptions, trainerJob } from './resume.js';

let dir: string;

/** 30 real digits of each class, average-pooled to 7x7: a real table that trains in a second. */
async function digitsCsv(path: string): Promise<void> {
  const digits = await realDigits();
  const { validation: sample } = splitDataset(digits, { validation: 0.03, seed: 5 });
  const rows = ['label,' + Array.from({ length: 49 }, (_, i) => `p${i}`).join(',')];
  const all = await sample.read(Array.from({ length: sample.size }, (_, i) => i));
  for (let i = 0; i < sample.size; i++) {
    const [x, y] = [all.subarray(i * 784, (i + 1) * 784), sample.classes[sample.labels[i]!]];
    const pooled = Array.from({ length: 49 }, (_, k) => {
      const [by, bx] = [Math.floor(k / 7) * 4, (k % 7) * 4];
      let s = 0;
      for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += x[(by + dy) * 28 + bx + dx]!;
      return (s / 16).toFixed(3);
    });
    rows.push(`${y},${pooled.join(',')}`);
  }
  await writeFile(path, rows.join('\n'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-resume-'));
  if (DIGITS_DIR !== undefined) await digitsCsv(join(dir, 'digits.csv'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A run of the pooled digits with a schedule, dropout, a log and a checkpoint, into `name`. */
const config = (name: string, extra: object = {}): TrainConfig =>
  parseTrainConfig({
    data: { type: 'csv', path: 'digits.csv', label: 'label' },
    model: { architecture: 'mlp', hidden: [24], dropout: 0.2 },
    epochs: 3,
    batchSize: 16,
    seed: 4,
    optimizer: { name: 'adam', learningRate: 0.01 },
    schedule: { type: 'cosine', warmupEpochs: 0.5 },
    log: `${name}.jsonl`,
    checkpoint: { dir: `${name}.checkpoint` },
    out: name,
    ...extra,
  });

const weightsOf = async (model: LayersModel) => Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));

/** Aborts the run at `step` of `epoch`, as Ctrl-C does. */
function interruptAt(epoch: number, step: number): { signal: AbortSignal; callback: Callback } {
  const controller = new AbortController();
  return { signal: controller.signal, callback: { name: 'interrupt', onBatchEnd: (ctx) => void (ctx.epoch === epoch && ctx.step === step && controller.abort()) } };
}

describe.skipIf(!DIGITS_DIR)('resuming a training run from its checkpoint alone', () => {
  it('trainFromConfig interrupted mid-epoch and resumed with resumeFrom only ends at the same weights, its log with each epoch once', async () => {
    const straight = await trainFromConfig(config('straight'), { baseDir: dir });
    expect(straight.result.stopReason).toBe('completed');

    const { signal, callback } = interruptAt(1, 4);
    const first = await trainFromConfig(config('resumed'), { baseDir: dir, signal, callbacks: [callback] });
    expect(first.result.stopReason).toBe('aborted');
    first.model.dispose();
    const checkpoint = join(dir, 'resumed.checkpoint');
    const saved = await readCheckpoint(checkpoint);
    expect([saved.epoch, saved.step, saved.run]).toEqual([1, 4, { batchSize: 16, examples: saved.run!.examples, epochs: 3, workers: 1 }]);
    const job = await readTrainingJob(checkpoint);
    expect(job).toMatchObject({ trainer: 'config', options: { baseDir: dir, config: { epochs: 3, out: join(dir, 'resumed'), log: join(dir, 'resumed.jsonl') } } });
    // As if the run had been killed after logging an epoch it had not checkpointed: the resume drops the line.
    await appendFile(join(dir, 'resumed.jsonl'), '{"epoch":1,"loss":9}\n');

    const resumed = await trainFromConfig(undefined, { resumeFrom: checkpoint });
    expect(resumed.result.stopReason).toBe('completed');
    expect(await weightsOf(resumed.model)).toEqual(await weightsOf(straight.model));
    expect(resumed.saved?.dir).toBe(join(dir, 'resumed'));
    expect(await readFile(join(dir, 'resumed', 'weights.bin'))).toEqual(await readFile(join(dir, 'straight', 'weights.bin')));
    const log = await readFile(join(dir, 'resumed.jsonl'), 'utf8');
    expect(log.trim().split('\n').map((line) => (JSON.parse(line) as { epoch: number }).epoch)).toEqual([0, 1, 2]);
    expect(log).toBe(await readFile(join(dir, 'straight.jsonl'), 'utf8'));
    for (const m of [straight.model, resumed.model]) m.dispose();
  });

  it('refuses a resume that would start another run: a changed config names its keys, another trainer or no record is CHECKPOINT_INVALID', async () => {
    const { signal, callback } = interruptAt(0, 2);
    const first = await trainFromConfig(config('other'), { baseDir: dir, signal, callbacks: [callback] });
    first.model.dispose();
    const checkpoint = join(dir, 'other.checkpoint');
    const edited = trainFromConfig(config('other', { epochs: 5, seed: 1 }), { baseDir: dir, resumeFrom: checkpoint });
    await expect(edited).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'config' });
    await expect(edited).rejects.toThrow(/continues another run: config\.epochs 5 \(the run has 3\), config\.seed 1 \(the run has 4\); leave them out/);
    // The same config, given again, is fine; so is permission to replace a model (it changes no weight).
    const same = await trainFromConfig(config('other'), { baseDir: dir, resumeFrom: checkpoint, overwrite: true });
    expect(same.result.epochs).toBe(3);
    same.model.dispose();

    await expect(trainerJob('digits', checkpoint)).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringMatching(/is of a 'config' training run, not 'digits'/) });
    // fit called directly records no trainer: its checkpoint resumes only with the run's own options.
    const model = await buildArchitecture('mlp', { inputShape: [4], classes: 2, hidden: [2] });
    const tiny = fromArrays({ features: [[0, 0, 1, 1], [1, 1, 0, 0]], labels: ['a', 'b'] }); // wiring only: tiny fixture
    await fit(model, tiny, { epochs: 1, callbacks: [checkpoints({ dir: join(dir, 'bare') })] });
    model.dispose();
    await expect(trainFromConfig(undefined, { resumeFrom: join(dir, 'bare') })).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', message: expect.stringMatching(/does not record the trainer and options of its run/) });
    await expect(trainFromConfig(undefined, {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'config' });
  });
});

describe('resumedOptions', () => {
  it('fills in the options left out from the run, but never a permission (`override`): a planted overwrite grants nothing', () => {
    const fields = { out: 'path', overwrite: 'override', epochs: 'value' } as const;
    const job = { trainer: 'digits', options: { out: '/models/victim', overwrite: true, epochs: 3 } };
    expect(resumedOptions(job, '/checkpoint', {}, fields)).toEqual({ out: '/models/victim', epochs: 3 });
    expect(resumedOptions(job, '/checkpoint', { overwrite: true }, fields)).toEqual({ out: '/models/victim', epochs: 3, overwrite: true });
  });
});

describe('claimModelFolder: one run per model folder at a time', () => {
  it('a second claim while the first is held is BUSY naming the pid; released on dispose; a dead pid’s lock is taken over', async () => {
    const out = join(dir, 'claimed');
    {
      await using _first = await claimModelFolder(out);
      expect(await readFile(`${out}.lock`, 'utf8')).toBe(String(process.pid));
      await expect(claimModelFolder(out)).rejects.toMatchObject({ code: 'BUSY', message: expect.stringContaining(`being written by process ${process.pid}`) });
      // trainFromConfig refuses before reading any data.
      await expect(trainFromConfig(config('claimed'), { baseDir: dir })).rejects.toMatchObject({ code: 'BUSY' });
    }
    await writeFile(`${out}.lock`, String(2 ** 30)); // far above any pid this machine hands out
    await using _again = await claimModelFolder(out);
    expect(await readFile(`${out}.lock`, 'utf8')).toBe(String(process.pid));
  });

  it('puts back a model that a save killed between its two renames had moved aside, and then refuses to replace it', async () => {
    const out = join(dir, 'swapped');
    // A model moved aside by a process that is gone, and nothing yet in its place.
    await cp(join(dir, 'straight'), `${out}.old-${2 ** 30}-0123abcd`, { recursive: true });
    await expect(claimModelFolder(out)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(await readFile(join(out, 'weights.bin'))).toEqual(await readFile(join(dir, 'straight', 'weights.bin')));
  });
});
