import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDataset } from '@dlkit/core/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDl } from './run-dl.test-helpers.js';

// `dl evaluate` spawned as a user runs it, on the embedded models and real data (the registered sets through
// DL_DATA_MIRROR), with --limit to keep each run to seconds.
const CAZALA = testDataset('mnist-cazala');
const POLARITY = testDataset('rt-polarity');
const IRIS = fileURLToPath(new URL('../../tabular/test-data/iris.csv', import.meta.url));
let dir: string;

const dl = (args: string[], cwd = dir) => runDl(args, { cwd, timeoutMs: 120_000 });
const json = (stdout: string) => JSON.parse(stdout.trim()) as { input: string; output: Record<string, unknown> & { accuracy: number; count: number; report: string } };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-cli-evaluate-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A folder of class folders of real MNIST digits as PNG files: `perClass` of each digit in `digits`. */
async function digitFolders(root: string, digits: readonly string[], perClass: number): Promise<void> {
  for (const d of digits) {
    const data = (JSON.parse(await readFile(join(CAZALA!, `${d}.json`), 'utf8')) as { data: number[] }).data;
    await mkdir(join(root, d), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const pixels = Buffer.from(data.slice(i * 784, (i + 1) * 784).map((v) => Math.round(v * 255)));
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, d, `${i}.png`));
    }
  }
}

describe.skipIf(!CAZALA)('dl evaluate on the embedded digits model', () => {
  it('mnist-cazala:test --limit 200 --json: one JSON object with the figures, and a report folder whose PNG decodes', async () => {
    const report = join(dir, 'digits-report');
    const r = await dl(['evaluate', '--model', 'digits', 'mnist-cazala:test', '--limit', '200', '--json', '--report', report]);
    // The embedded model learnt all 10,000 cazala digits: the figures are said not to be a test score.
    expect(r.stderr).toBe(
      'dl: warning: mnist-cazala:test is not held out for model digits: it was trained on the whole set this split is cut from (github.com/cazala/mnist), so these figures are not a test score\n',
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const { output } = json(r.stdout);
    expect(output.count).toBe(200);
    expect(output.accuracy).toBeGreaterThan(0.9);
    expect(output.report).toBe(report);
    const perClass = output.perClass as Array<{ label: string; support: number }>;
    expect(perClass.map((c) => c.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // Spread over a set sorted by class: every digit is there.
    expect(perClass.every((c) => c.support >= 15)).toBe(true);
    expect((output.calibration as { bins: unknown[]; ece: number }).bins).toHaveLength(15);
    expect((output.calibration as { ece: number }).ece).toBeLessThan(0.1);
    expect(await readdir(report)).toEqual(['confusion_matrix.png', 'metrics.json', 'misclassified.jsonl']);
    const metrics = JSON.parse(await readFile(join(report, 'metrics.json'), 'utf8')) as { confusion: number[][]; count: number; data: string };
    expect([metrics.count, metrics.data, metrics.confusion.length]).toEqual([200, 'mnist-cazala:test', 10]);
    const { data, info } = await sharp(join(report, 'confusion_matrix.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBeGreaterThan(400);
    // The diagonal's dark blue and the empty cells' near-white are both there.
    let [dark, light] = [0, 0];
    for (let i = 0; i < data.length; i += 3) {
      if (data[i + 2]! > 90 && data[i]! < 30) dark++;
      if (data[i]! > 240 && data[i + 2]! > 250) light++;
    }
    expect(dark).toBeGreaterThan(1000);
    expect(light).toBeGreaterThan(1000);
  });

  it('a folder of digit PNGs: scored through the pipeline, mistakes named by file; the default report folder is numbered', async () => {
    const data = join(dir, 'pngs');
    await digitFolders(data, ['3', '5', '8'], 12);
    const cwd = join(dir, 'cwd');
    await mkdir(cwd);
    const first = await dl(['evaluate', '--model', 'digits', data], cwd);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^digits on .*pngs: 36 examples\naccuracy \d+\.\d\d%/);
    expect(first.stdout).toContain(`report: ${join(cwd, 'dl-evaluate', 'digits-pngs')} (confusion_matrix.png, metrics.json, misclassified.jsonl)`);
    const again = await dl(['evaluate', '--model', 'digits', data, '--json'], cwd);
    expect(json(again.stdout).output.report).toBe(join(cwd, 'dl-evaluate', 'digits-pngs-2'));
    const mistakes = (await readFile(join(cwd, 'dl-evaluate', 'digits-pngs-2', 'misclassified.jsonl'), 'utf8')).split('\n').filter(Boolean);
    for (const line of mistakes) expect((JSON.parse(line) as { input: string }).input).toMatch(/pngs\/[358]\/\d+\.png$/);
  });

  it('a set whose classes the model does not predict is DATASET_INVALID naming them, and leaves no report folder', async () => {
    const data = join(dir, 'with-cats');
    await digitFolders(data, ['1', '2'], 2);
    await mkdir(join(data, 'cat'));
    await sharp({ create: { width: 28, height: 28, channels: 3, background: '#808080' } }).png().toFile(join(data, 'cat', 'grey.png'));
    const cwd = join(dir, 'cwd-cats');
    await mkdir(cwd);
    const r = await dl(['evaluate', '--model', 'digits', data], cwd);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^dl: DATASET_INVALID: .*with-cats has a class that model digits does not predict: 'cat'/);
    expect(await readdir(join(cwd, 'dl-evaluate'))).toEqual([]);
  });
});

describe('dl evaluate: bad input', () => {
  it('an unknown data set is INVALID_ARGUMENT with a did-you-mean, before any report folder', async () => {
    const r = await dl(['evaluate', '--model', 'digits', 'mnist-cazla:test', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dl: INVALID_ARGUMENT: 'mnist-cazla' is not a registered data set .*did you mean 'mnist-cazala'/);
    // --json: the error is also an object on stdout.
    expect(JSON.parse(r.stdout)).toMatchObject({ input: 'mnist-cazla:test', error: { code: 'INVALID_ARGUMENT', hint: "did you mean 'mnist-cazala'?" } });
    expect(existsSync(join(dir, 'dl-evaluate', 'digits-mnist-cazla-test'))).toBe(false);
  });

  it('no --model and a --limit that is not decimal digits: usage errors (exit 2)', async () => {
    for (const args of [['evaluate', 'mnist:test'], ['evaluate', '--model', 'digits', 'mnist:test', '--limit', '0x10']]) {
      const r = await dl(args);
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/--model|--limit must be a positive integer/)]);
    }
  });

  it('the embedded speech-digits by name is found (was MODEL_NOT_FOUND): a set of images for it is DATASET_INVALID before anything is read', async () => {
    // Cheap on purpose: fsdd:test costs ~9 s whatever --limit says (its loader readies every take); the fsdd
    // test below scores it through the model's folder.
    const r = await dl(['evaluate', '--model', 'speech-digits', 'mnist:test']);
    expect([r.code, r.stderr.trim().split('\n')]).toEqual([1, [expect.stringMatching(/^dl: DATASET_INVALID: mnist:test is image-classification data; model speech-digits is /)]]);
  });
});

describe.skipIf(!POLARITY)('dl evaluate on the embedded sentiment model', () => {
  it('a CSV of real rt-polarity sentences with a label column', async () => {
    const lines = async (f: string) => (await readFile(join(POLARITY!, f), 'latin1')).split('\n').filter(Boolean).slice(0, 40);
    const quote = (t: string) => `"${t.replace(/"/g, '""')}"`;
    const rows = [...(await lines('rt-polarity.pos')).map((t) => `${quote(t)},POSITIVE`), ...(await lines('rt-polarity.neg')).map((t) => `${quote(t)},NEGATIVE`)];
    await writeFile(join(dir, 'reviews.csv'), `review,sentiment\n${rows.join('\n')}\n`);
    const r = await dl(['evaluate', '--model', 'sentiment', join(dir, 'reviews.csv'), '--text', 'review', '--label', 'sentiment', '--json', '--report', join(dir, 'sentiment-report')]);
    expect(r.code).toBe(0);
    const { output } = json(r.stdout);
    expect(output.count).toBe(80);
    expect(output.accuracy).toBeGreaterThan(0.6);
  });

  it('a folder of class folders of .txt files; a file that is not text is left out with a warning, and counted', async () => {
    const pos = (await readFile(join(POLARITY!, 'rt-polarity.pos'), 'latin1')).split('\n').slice(100, 106);
    const neg = (await readFile(join(POLARITY!, 'rt-polarity.neg'), 'latin1')).split('\n').slice(100, 106);
    for (const [label, texts] of [['POSITIVE', pos], ['NEGATIVE', neg]] as const) {
      await mkdir(join(dir, 'texts', label), { recursive: true });
      for (const [i, t] of texts.entries()) await writeFile(join(dir, 'texts', label, `${i}.txt`), t);
    }
    await writeFile(join(dir, 'texts', 'NEGATIVE', 'binary.txt'), Buffer.from([0xff, 0xfe, 0x00, 0xd8]));
    const r = await dl(['evaluate', '--model', 'sentiment', join(dir, 'texts'), '--json', '--report', join(dir, 'texts-report')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^dl: warning: .*binary\.txt: not scored \(INPUT_UNSUPPORTED: /m);
    const { output } = json(r.stdout);
    expect([output.count, output.skipped]).toEqual([12, 1]);
  });
});

describe.skipIf(!POLARITY)('dl evaluate on the registered rt-polarity', () => {
  it("the shipped sentiment model on rt-polarity:test (the cut its training held out): no overlap said, mistakes named by their sentence", async () => {
    const model = fileURLToPath(new URL('../../nlp/models/sentiment', import.meta.url));
    const r = await dl(['evaluate', '--model', model, 'rt-polarity:test', '--json', '--report', join(dir, 'polarity-report')]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const { output } = json(r.stdout);
    expect([output.count, output.data]).toEqual([1066, 'rt-polarity:test']);
    // The figure its training measured on the sentences it held out: the same sentences, scored the same way.
    const manifest = JSON.parse(await readFile(join(model, 'dlkit.json'), 'utf8')) as { metrics: { heldOutAccuracy: number } };
    expect(output.accuracy).toBeCloseTo(manifest.metrics.heldOutAccuracy, 6);
    for (const m of output.misclassified as Array<{ input: string }>) expect(m.input).toMatch(/ [a-z]+ /);
  });

  it('a set of another kind than the model takes (recordings for a text model) is DATASET_INVALID before anything is read', async () => {
    const r = await dl(['evaluate', '--model', 'sentiment', 'fsdd:test']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dl: DATASET_INVALID: fsdd:test is audio-classification data; model sentiment is a text-classification model/);
  });
});

const FSDD = testDataset('fsdd');

describe.skipIf(!FSDD)('dl evaluate on the registered fsdd', () => {
  it('the shipped speech-digits model on fsdd:test (takes 0-4 of every digit and speaker) through its network', async () => {
    const model = fileURLToPath(new URL('../../speech/models/speech-digits', import.meta.url));
    const r = await dl(['evaluate', '--model', model, 'fsdd:test', '--json', '--report', join(dir, 'fsdd-report')]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const { output } = json(r.stdout);
    expect([output.count, output.data]).toEqual([250, 'fsdd:test']);
    const perClass = output.perClass as Array<{ label: string; support: number }>;
    expect(perClass.filter((c) => c.label !== 'unknown').every((c) => c.support === 25)).toBe(true);
    // The figure its training validated on these takes (cut by the VAD into log-mel frames as there).
    const manifest = JSON.parse(await readFile(join(model, 'dlkit.json'), 'utf8')) as { metrics: { validationAccuracy: number } };
    expect(output.accuracy).toBeCloseTo(manifest.metrics.validationAccuracy, 6);
    for (const m of output.misclassified as Array<{ input: string }>) expect(m.input).toMatch(/recordings\/\d_[a-z]+_[0-4]\.wav$/);
  });
});

describe('dl evaluate on a tabular model trained here', () => {
  it('iris.csv --label species: a model dl train wrote, evaluated on its table', async () => {
    await writeFile(
      join(dir, 'iris.json'),
      JSON.stringify({ data: { type: 'csv', path: IRIS, label: 'species' }, model: { architecture: 'mlp', hidden: [16] }, epochs: 30, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.02 }, out: 'iris-model' }),
    );
    const trained = await dl(['train', join(dir, 'iris.json')]);
    expect(trained.code).toBe(0);
    // Every dl train writes the curves beside the model.
    expect((await sharp(join(dir, 'iris-model', 'curves.png')).metadata()).width).toBe(880);
    const noLabel = await dl(['evaluate', '--model', join(dir, 'iris-model'), IRIS]);
    expect(noLabel.stderr).toMatch(/INVALID_ARGUMENT: .*say which column holds the label \(try --label COLUMN\)/);
    const r = await dl(['evaluate', '--model', join(dir, 'iris-model'), IRIS, '--label', 'species', '--json', '--report', join(dir, 'iris-report')]);
    expect(r.code).toBe(0);
    const { output } = json(r.stdout);
    expect(output.count).toBe(150);
    expect(output.accuracy).toBeGreaterThan(0.8);
  });
});
