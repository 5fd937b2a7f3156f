import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { testDataFile, testDataset } from '@dlkit/core/testing';
import { BIN, runDl } from './run-dl.test-helpers.js';

// Runs the built CLI as a user would (the test script builds first).
const SAMPLE = fileURLToPath(new URL('../../vision/samples/cat.jpg', import.meta.url));
// Real data from the mirror (DL_DATA_MIRROR: ../shared/data here); the tests that need one skip without it.
const IMAGES = testDataFile('images');
const RT_DOC = testDataFile('rt-polarity/SOURCE.md');
const POLARITY = testDataset('rt-polarity');

const dl = (args: string[], env: Record<string, string> = {}) => runDl(args, { env, timeoutMs: 280_000 });

describe('dl (spawned)', () => {
  it('prints help and version', async () => {
    const help = await dl(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^dl: deep learning/);
    expect(help.stdout).toContain('vision classify');
    const version = await dl(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('answers a usage mistake in two stderr lines (what, and which --help), exit 2, with the nearest command or flag', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['bogus'], /^dl: unknown command 'bogus'\nsee dl --help\n$/],
      [['vision', 'clasify', SAMPLE], /^dl: unknown command 'vision clasify' \(did you mean 'vision classify'\?\)\nsee dl --help\n$/],
      [['visoin', 'classify', SAMPLE], /did you mean 'vision'\?/],
      [['vision', 'classify', '--tpok', '3', SAMPLE], /^dl: unknown option '--tpok' \(did you mean '--top-k'\?\)\nsee dl vision classify --help\n$/],
      [['vision', 'classify', '--frobnicate', SAMPLE], /^dl: unknown option '--frobnicate'\nsee dl vision classify --help\n$/],
      [['vision', 'classify'], /^dl: .*\nsee dl vision classify --help\n$/],
      [['vision', 'classify', '--topk', 'x', SAMPLE], /^dl: .*topk.*\nsee dl vision classify --help\n$/],
    ];
    for (const [args, stderr] of cases) {
      const r = await dl(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(stderr);
    }
  });

  it('dl <command> --help prints that command and the common options, not the whole help', async () => {
    const faces = await dl(['vision', 'faces', '--help']);
    expect(faces.code).toBe(0);
    expect(faces.stdout).toMatch(/^Usage: dl vision faces/);
    expect(faces.stdout).toContain('--min-confidence');
    expect(faces.stdout).toContain('--json');
    expect(faces.stdout).not.toContain('vision classify');
    expect((await dl(['train', '--help'])).stdout).toMatch(/train digits[\s\S]*train <config.json>/);
  });

  it('a reader that goes away (dl ... | head -1) ends dl quietly: exit 0, no EPIPE trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-pipe-'));
    try {
      const texts = join(dir, 'texts.txt');
      writeFileSync(texts, 'A wonderful film.\n'.repeat(3_000));
      const piped = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" nlp sentiment --json "${texts}" | head -1`]);
      let stdout = '';
      let stderr = '';
      piped.stdout.on('data', (d: Buffer) => (stdout += d));
      piped.stderr.on('data', (d: Buffer) => (stderr += d));
      const code = await new Promise((resolve) => piped.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout.trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('classifies the sample photo: top-5 ImageNet labels, human and --json', async () => {
    const human = await dl(['vision', 'classify', SAMPLE]);
    expect(human.code).toBe(0);
    expect(human.stdout.trim().split('\n')).toHaveLength(6);
    expect(human.stdout).toMatch(/%\s+(Egyptian Mau|tabby cat|tiger cat)/);

    const json = await dl(['vision', 'classify', '--json', '--topk', '3', SAMPLE, SAMPLE]);
    expect(json.code).toBe(0);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].input).toBe(SAMPLE);
    expect(lines[0].output).toHaveLength(3);
    expect(lines[0].output[0]).toEqual({ label: expect.any(String), score: expect.any(Number) });
  });

  it('reports a missing image in one line with its code, exit 1, and still processes the others', async () => {
    const r = await dl(['vision', 'classify', '--json', '/no/such/photo.jpg', SAMPLE]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ input: '/no/such/photo.jpg', error: { code: 'INPUT_NOT_FOUND', message: expect.stringContaining('/no/such/photo.jpg') } });
    expect(lines[1].output).toHaveLength(5);
    expect(r.stderr.trim().split('\n')).toEqual(['dl: INPUT_NOT_FOUND: /no/such/photo.jpg: no such file']);
    expect(r.stderr).not.toContain('    at ');
  });

  it('classifies a directory (recursively), a glob, standard input and an http URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-inputs-'));
    try {
      mkdirSync(join(dir, 'nested'));
      copyFileSync(SAMPLE, join(dir, 'nested', 'cat.jpg'));
      copyFileSync(SAMPLE, join(dir, 'b.jpg'));
      writeFileSync(join(dir, 'notes.txt'), 'not an image');
      const fromDir = await dl(['vision', 'classify', '--json', '--topk', '1', dir]);
      expect(fromDir.code, fromDir.stderr).toBe(0);
      expect(fromDir.stdout.trim().split('\n').map((l) => JSON.parse(l).input)).toEqual([join(dir, 'b.jpg'), join(dir, 'nested', 'cat.jpg')]);
      const fromGlob = await dl(['vision', 'classify', '--json', '--topk', '1', `${dir}/**/*.jpg`]);
      expect(fromGlob.stdout.trim().split('\n')).toHaveLength(2);
      const stdin = await runDl(['vision', 'classify', '--json', '--topk', '1', '-'], { input: readFileSync(SAMPLE) });
      expect(stdin.code, stdin.stderr).toBe(0);
      expect(JSON.parse(stdin.stdout).output[0].label).toMatch(/cat|Mau/);
      const empty = await dl(['vision', 'classify', `${dir}/*.gif`]);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(/^dl: INPUT_NOT_FOUND: .*matches no/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A real server on loopback; spawnSync would block the server's own event loop, so spawn.
    const server = createServer((req, res) => (req.url === '/cat.jpg' ? res.end(readFileSync(SAMPLE)) : res.writeHead(404).end()));
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const child = spawn(process.execPath, [BIN, 'vision', 'classify', '--json', '--topk', '1', `${url}/cat.jpg`, `${url}/missing.jpg`]);
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const code = await new Promise((done) => child.on('close', done));
      expect(code).toBe(1);
      const [ok, missing] = stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(ok.output[0].label).toMatch(/cat|Mau/);
      expect(missing.error).toEqual({ code: 'INPUT_NOT_FOUND', message: `${url}/missing.jpg: HTTP 404 Not Found` });
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it.skipIf(!IMAGES)('detects objects, --json in the HF shape, and writes annotated images with --out', async () => {
    const images = IMAGES!;
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-detect-'));
    try {
      const r = await dl(['vision', 'detect', '--json', '--out', dir, join(images, 'dog.jpg'), join(images, 'horses.jpg'), '/no/such.jpg']);
      expect(r.code).toBe(1);
      const [dog, horses, missing] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(dog.output.map((d: { label: string }) => d.label)).toEqual(expect.arrayContaining(['dog', 'bicycle']));
      expect(dog.output[0]).toEqual({ label: expect.any(String), score: expect.any(Number), box: { xmin: expect.any(Number), ymin: expect.any(Number), xmax: expect.any(Number), ymax: expect.any(Number) } });
      expect(horses.output.filter((d: { label: string }) => d.label === 'horse').length).toBeGreaterThanOrEqual(2);
      expect(missing.error.code).toBe('INPUT_NOT_FOUND');
      const meta = await sharp(join(dir, 'dog.jpg')).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 768, 576]);
      expect(readdirSync(dir).sort()).toEqual(['dog.jpg', 'horses.jpg']);
      const only = await dl(['vision', 'detect', '--json', '--classes', 'dog', join(images, 'dog.jpg')]);
      expect(JSON.parse(only.stdout).output.map((d: { label: string }) => d.label)).toEqual(['dog']);
      // Classes in any case; car 56% and truck 32% share one box in dog.jpg: the car alone (with --agnostic too).
      const cased = await dl(['vision', 'detect', '--json', '--agnostic', '--classes', 'Car,TRUCK', join(images, 'dog.jpg')]);
      expect(JSON.parse(cased.stdout).output.map((d: { label: string }) => d.label)).toEqual(['car']);
      const typo = await dl(['vision', 'detect', '--classes', 'dog,persn', join(images, 'dog.jpg')]);
      expect([typo.code, typo.stderr.split('\n')[0]]).toEqual([2, "dl: --classes: unknown class 'persn' (did you mean 'person'?)"]);
      expect((await dl(['vision', 'detect', '--threshold', '2', join(images, 'dog.jpg')])).code).toBe(2);
      const bomb = await dl(['vision', 'detect', '--max-pixels', '1000', join(images, 'dog.jpg')]);
      expect([bomb.code, bomb.stderr.trim()]).toEqual([1, `dl: INPUT_TOO_LARGE: ${join(images, 'dog.jpg')}: image is over the 1000-pixel limit`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a handwritten digit with --model digits, from an MNIST image and from a photo of paper', async () => {
    const samples = fileURLToPath(new URL('../../vision/samples/', import.meta.url));
    const r = await dl(['vision', 'classify', '--json', '--model', 'digits', '--topk', '1', join(samples, 'digit-7-mnist.png'), join(samples, 'digit-7-paper.jpg')]);
    expect(r.code, r.stderr).toBe(0);
    const outputs = r.stdout.trim().split('\n').map((l) => JSON.parse(l).output[0]);
    expect(outputs.map((o: { label: string }) => o.label)).toEqual(['7', '7']);
    expect(outputs.every((o: { score: number }) => o.score > 0.9)).toBe(true);
  });

  it('a hub model offline and not cached is one MODEL_OFFLINE line naming dl models pull, exit 1', async () => {
    const r = await dl(['vision', 'classify', '--model', 'Xenova/vit-base-patch16-224', SAMPLE], { DL_OFFLINE: '1', DL_CACHE: tmpdir() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^dl: MODEL_OFFLINE: Hub model Xenova\/vit-base-patch16-224 is not in the cache .*\(fetch it first: dl models pull Xenova\/vit-base-patch16-224 --task image-classification\)$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect((await dl(['models', 'pull', 'Xenova/vit-base-patch16-224'])).code).toBe(2); // --task missing
  });

  // Changed on purpose (issue 18 item 6): the cat now has no face, --match names the faces that matched, and the
  // human lines number the faces (#1 = largest) as --out draws them.
  it('vision faces: three faces, none on the cat, --match names the matching faces, --out draws them', async () => {
    const photo = fileURLToPath(new URL('../../vision/samples/faces.jpg', import.meta.url));
    const cat = fileURLToPath(new URL('../../vision/samples/cat.jpg', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-faces-'));
    try {
      const copy = join(dir, 'copy.jpg');
      await sharp(photo).resize({ width: 900 }).jpeg({ quality: 75 }).toFile(copy);
      const r = await dl(['vision', 'faces', '--json', photo, cat, '--match', copy, '--out', join(dir, 'drawn')]);
      expect(r.code, r.stderr).toBe(0);
      const [people, animal] = r.stdout.trim().split('\n').map((l) => JSON.parse(l).output);
      expect(people.faces).toHaveLength(3);
      expect(people.faces[0]).toMatchObject({ gender: expect.stringMatching(/male|female/), landmarks: expect.any(Array), descriptor: expect.any(Array) });
      expect(people.match).toMatchObject({ samePerson: true, threshold: 0.6, face: expect.any(Number), referenceFace: expect.any(Number) });
      expect(people.match.box).toEqual(people.faces[people.match.face].box);
      expect(people.match.distance).toBeLessThan(0.4);
      expect(animal).toEqual({ faces: [], match: null });
      const drawn = await sharp(join(dir, 'drawn', 'faces.jpg')).metadata();
      expect([drawn.width, drawn.height]).toEqual([(await sharp(photo).metadata()).width, (await sharp(photo).metadata()).height]);
      expect(readdirSync(join(dir, 'drawn')).sort()).toEqual(['cat.jpg', 'faces.jpg']); // no temp files left
      const human = await dl(['vision', 'faces', photo, '--match', copy]);
      expect(human.stdout).toMatch(/3 faces\n {2}#1 face \d+% {2}\[\d+, \d+, \d+, \d+\] {2}(male|female) ~\d+ {2}\w+/);
      expect(human.stdout).toMatch(/match .*copy\.jpg: same person: face #\d \[\d+, \d+, \d+, \d+\] and its face #\d \[\d+, \d+, \d+, \d+\] \(distance 0\.\d+/);
      const bad = await dl(['vision', 'faces', photo, '--min-confidence', '1.5']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--min-confidence must be between 0 and 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!RT_DOC)('nlp summarize: extractive offline per file, abstractive offline is one MODEL_OFFLINE line', async () => {
    const doc = RT_DOC!;
    const r = await dl(['nlp', 'summarize', '--json', '--method', 'extractive', '--sentences', '2', doc, '/no/such.txt']);
    expect(r.code).toBe(1);
    const [ok, missing] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(ok.input).toBe(doc);
    expect(ok.output).toEqual([{ summary_text: expect.any(String) }]);
    const source = readFileSync(doc, 'utf8');
    for (const word of ok.output[0].summary_text.split(/\s+/)) expect(source).toContain(word); // extracted, not written
    expect(missing.error.code).toBe('INPUT_NOT_FOUND');
    const offline = await dl(['nlp', 'summarize', doc], { DL_OFFLINE: '1', DL_CACHE: tmpdir() });
    expect(offline.code).toBe(1);
    // Issue 19: the offline summarizer is the model `textrank` (the old --method extractive still picks it).
    expect(offline.stderr.trim()).toMatch(/^dl: MODEL_OFFLINE: .*dl models pull Xenova\/distilbart-cnn-6-6 --task summarization.*--model textrank, which works offline\)$/);
    expect((await dl(['nlp', 'summarize', '--method', 'magic', doc])).code).toBe(2);
  });

  it('nlp classify runs a transformers.js text classifier (tiny hand-set fixture, wiring only) on lines, stdin and --text', async () => {
    const model = fileURLToPath(new URL('../../nlp/src/classify/fixtures/tiny-bert', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-text-'));
    try {
      writeFileSync(join(dir, 'reviews.txt'), 'a great movie\r\n\r\nbad, awful\r\n');
      const r = await dl(['nlp', 'classify', '--json', '--model', model, join(dir, 'reviews.txt'), '--text', 'good']);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.input, l.output[0].label])).toEqual([
        ['--text 1', 'POSITIVE'],
        [`${join(dir, 'reviews.txt')}:1`, 'POSITIVE'],
        [`${join(dir, 'reviews.txt')}:3`, 'NEGATIVE'],
      ]);
      // Issue 19: every label is --top-k N (topK everywhere), not --all-scores.
      const stdin = await runDl(['nlp', 'classify', '--json', '--top-k', '2', '--model', model, '-'], { input: 'awful\n' });
      expect(JSON.parse(stdin.stdout).output.map((l: { label: string }) => l.label)).toEqual(['NEGATIVE', 'POSITIVE']);
      expect((await dl(['nlp', 'classify', '--top-k', '0', join(dir, 'reviews.txt')])).code).toBe(2); // out of the schema's bounds
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nlp sentiment: the embedded model offline on lines, a JSONL column and --text; a broken row fails alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-sentiment-'));
    try {
      writeFileSync(join(dir, 'reviews.txt'), 'The food was delicious and the staff were lovely.\n\nA tedious, badly written film.\n');
      writeFileSync(join(dir, 'rows.jsonl'), '{"t":"great value, works perfectly"}\nnot json\n{"t":"broke after a day"}\n');
      const r = await dl(['nlp', 'sentiment', '--json', join(dir, 'reviews.txt'), join(dir, 'rows.jsonl'), '--column', 't', '--text', 'what a joy'], { DL_OFFLINE: '1' });
      expect(r.code, r.stderr).toBe(1);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.output).map((l) => [l.input, l.output[0].label])).toEqual([
        ['--text 1', 'POSITIVE'],
        [`${join(dir, 'reviews.txt')}:1`, 'POSITIVE'],
        [`${join(dir, 'reviews.txt')}:3`, 'NEGATIVE'],
        [`${join(dir, 'rows.jsonl')}:1`, 'POSITIVE'],
        [`${join(dir, 'rows.jsonl')}:3`, 'NEGATIVE'],
      ]);
      expect(lines.find((l) => l.error)).toMatchObject({ input: `${join(dir, 'rows.jsonl')}:2`, error: { code: 'INPUT_UNREADABLE' } });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect((await dl(['nlp', 'sentiment'])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nlp sentiment on a text with no word the model knows says so: even scores, unknown, never a confident label', async () => {
    const r = await dl(['nlp', 'sentiment', '--text', '这部电影让我很开心', '--text', 'zxqv blorf wuggle']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/unknown: no word the model knows \(\w+ 50\.0%, \w+ 50\.0%\)|unknown: no word the model knows \(\w+ 50\.0%\)/);
    const json = await dl(['nlp', 'sentiment', '--json', '--text', 'zxqv blorf wuggle']);
    expect(JSON.parse(json.stdout).output[0]).toMatchObject({ score: 0.5, unknown: true });
  });

  it.skipIf(!POLARITY)('nlp fine-tune trains on a CSV and nlp sentiment --model loads the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-nlp-ft-'));
    try {
      const polarity = POLARITY!;
      const read = (name: string) => readFileSync(join(polarity, name), 'utf8').trim().split('\n').slice(0, 150);
      const rows = [...read('rt-polarity.pos').map((t) => [t, 'pos']), ...read('rt-polarity.neg').map((t) => [t, 'neg'])];
      writeFileSync(join(dir, 'data.csv'), `text,y\n${rows.map(([t, y]) => `"${t!.replace(/"/g, '""')}",${y}`).join('\n')}\n`);
      const out = join(dir, 'model');
      const r = await dl(['nlp', 'fine-tune', '--json', join(dir, 'data.csv'), '--text-column', 'text', '--label-column', 'y', '--out', out, '--epochs', '2']);
      expect(r.code, r.stderr).toBe(0);
      const trained = JSON.parse(r.stdout).output;
      expect(trained).toMatchObject({ classes: ['neg', 'pos'], model: out, split: { train: 270, validation: 30 } });
      const s = await dl(['nlp', 'sentiment', '--json', '--top-k', '2', '--model', out, '--text', 'a wonderful, moving film']);
      expect(s.code, s.stderr).toBe(0);
      expect(JSON.parse(s.stdout).output.map((l: { label: string }) => l.label).sort()).toEqual(['neg', 'pos']);
      expect((await dl(['nlp', 'fine-tune', join(dir, 'data.csv'), '--text-column', 'text', '--label-column', 'y'])).code).toBe(2); // no --out
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
   }, 300_000); // 5-fold cross-validation of 9 linear models in plain JS: ~25 s alone, minutes on a loaded machine

  it('doctor --json reports wasm chosen and tfjs-node unavailable with the reason', async () => {
    const r = await dl(['doctor', '--json'], { DL_BACKEND: '' });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.tfjs.backend).toBe('wasm');
    const node = report.tfjs.candidates.find((c: { name: string }) => c.name === 'node');
    expect(node).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('@tensorflow/tfjs-node') });
    expect(report.onnxruntime.provider).toBe('cpu');
    expect(report.offline).toBe(false);
    expect(report.ffmpeg).toMatch(/ffmpeg$/); // the optional npm binary, installed for the tests
  });

  it('doctor with a forced backend that cannot load exits 1 with BACKEND_UNAVAILABLE', async () => {
    const r = await dl(['doctor', '--json', '--backend', 'node']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).tfjs.error).toContain('@tensorflow/tfjs-node is not installed');
  });

  it('models list shows the embedded models', async () => {
    const r = await dl(['models', 'list', '--json']);
    expect(r.code).toBe(0);
    const models = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(models).toContainEqual(expect.objectContaining({ name: 'mobilenetv2', task: 'image-classification' }));
    expect(models).toContainEqual(expect.objectContaining({ name: 'digits', task: 'image-classification' }));
    expect(models).toContainEqual(expect.objectContaining({ name: 'centernet', task: 'object-detection' }));
    expect(models).toContainEqual(expect.objectContaining({ name: 'sentiment', task: 'text-classification', package: '@dlkit/nlp' }));
    expect(models).toContainEqual(expect.objectContaining({ name: 'speech-digits', task: 'speech-digits', package: '@dlkit/speech' }));
  });

  it('a --model that is neither an embedded name nor a model folder is MODEL_NOT_FOUND, exit 1', async () => {
    const r = await dl(['vision', 'classify', '--model', '../../etc', SAMPLE]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dl: MODEL_NOT_FOUND: /);
  });
});
