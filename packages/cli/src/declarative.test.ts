import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { testDataFile, testDataset } from '@dlkit/core/testing';
import { runDl } from './run-dl.test-helpers.js';

// Issue 19: the commands, their flags and their help come from the domains' TASKS tables; --out and --format mean
// the same for every task. Each test here failed on the hand-written CLI before it.

const SAMPLES = fileURLToPath(new URL('../../vision/samples/', import.meta.url));
const IMAGES = testDataFile('images') ?? '';
const FSDD = testDataset('fsdd');
const DIGIT = join(FSDD ?? '', 'recordings', '7_george_3.wav');

const dl = (args: string[], env: NodeJS.ProcessEnv = {}) => runDl(args, { env, timeoutMs: 240_000 });

describe('dl, generated from the TASKS tables (spawned)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-declarative-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('dl vision faces --help is that command only: flags from its schemas, default model, output shape', async () => {
    const r = await dl(['vision', 'faces', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: dl vision faces <images\.\.\.> \[options\]\n/);
    expect(r.stdout).toMatch(/--threshold F +lowest face detection score kept \(default 0\.5\)/);
    expect(r.stdout).toContain('Default model: face-api (embedded: works offline)');
    expect(r.stdout).toMatch(/Output per input: Face\[\]/);
    expect(r.stdout).not.toMatch(/vision classify|speech transcribe|--dtype/);
  });

  it('help reads the TASKS tables without loading a runtime (no sharp, onnxruntime, tfjs or transformers.js)', async () => {
    const main = new URL('../dist/main.js', import.meta.url).href;
    const script = `const { main } = await import(${JSON.stringify(main)}); process.stdout.write = () => true;
      await main(['vision', 'classify', '--help']); await main(['speech', 'transcribe', '--help']);
      const { createRequire } = await import('node:module');
      console.error(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((p) => /sharp|onnxruntime|tensorflow|huggingface/.test(p))));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect([code, JSON.parse(stderr)]).toEqual([0, []]);
  });

  it('dl help vision classify prints the same as dl vision classify --help; a hub default says it is fetched', async () => {
    const [help, flag] = await Promise.all([dl(['help', 'vision', 'classify']), dl(['vision', 'classify', '--help'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(flag.stdout);
    expect(help.stdout).toMatch(/--top-k N +how many labels to return per image/);
    expect(help.stdout).not.toContain('vision detect');
    const transcribe = await dl(['help', 'speech', 'transcribe']);
    expect(transcribe.stdout).toContain('Default model: onnx-community/whisper-tiny.en (fetched from the hub on first use and cached');
    expect(transcribe.stdout).toMatch(/--format text\|json\|srt\|vtt/);
  });

  it('the overview makes no claim the commands do not keep: no --dtype, no "every vision command takes --max-pixels"', async () => {
    const r = await dl(['--help']);
    expect(r.stdout).toMatch(/^ {2}train speech-digits +/m);
    expect(r.stdout).not.toMatch(/--dtype|every vision command/);
  });

  it('a flag the command does not take is a usage error, not ignored: dl train speech-digits --batch-size 8 --resume x', async () => {
    const r = await dl(['train', 'speech-digits', '--batch-size', '8', '--resume', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("dl: unknown option '--batch-size'\nsee dl train speech-digits --help\n");
  });

  it.skipIf(!FSDD)('an option the model does not take is exit 2 naming the flag: --language fr --model speech-digits', async () => {
    const r = await dl(['speech', 'transcribe', '--language', 'fr', '--model', 'speech-digits', DIGIT]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^dl: --language: /);
    expect(lines[1]).toBe('see dl speech transcribe --help');
  });

  it.skipIf(!IMAGES)('detect a.jpg b.jpg --out ann.jpg is a usage error, not a folder called ann.jpg', async () => {
    const target = join(dir, 'ann.jpg');
    const r = await dl(['vision', 'detect', join(IMAGES, 'dog.jpg'), join(IMAGES, 'horses.jpg'), '--out', target]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dl: --out .*ann\.jpg is a file, but there are 2 inputs: give a folder for their outputs\nsee dl vision detect --help\n$/);
    expect(existsSync(target)).toBe(false);
  });

  it('--out of a folder mirrors the input folder: photos/sub/x.jpg -> out/sub/x.jpg, never outside it', async () => {
    const photos = join(dir, 'photos');
    mkdirSync(join(photos, 'a'), { recursive: true });
    mkdirSync(join(photos, 'b'), { recursive: true });
    copyFileSync(join(SAMPLES, 'cat.jpg'), join(photos, 'a', 'x.jpg'));
    copyFileSync(join(SAMPLES, 'cat.jpg'), join(photos, 'b', 'x.jpg'));
    const out = join(dir, 'classified');
    const r = await dl(['vision', 'classify', photos, '--out', out, '--top-k', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out, { recursive: true, encoding: 'utf8' }).sort()).toEqual(['a', join('a', 'x.txt'), 'b', join('b', 'x.txt')]);
    expect(readFileSync(join(out, 'a', 'x.txt'), 'utf8')).toMatch(/^ *\d+\.\d% {2}\S/);
  });

  it.skipIf(!FSDD)('transcribe --out one.srt writes SRT (the format from the extension); --format vtt with it is a usage error', async () => {
    const srt = join(dir, 'one.srt');
    const r = await dl(['speech', 'transcribe', '--model', 'speech-digits', DIGIT, '--out', srt]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(srt, 'utf8')).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\nseven\n/);
    const clash = await dl(['speech', 'transcribe', '--model', 'speech-digits', DIGIT, '--out', join(dir, 'two.srt'), '--format', 'vtt']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/^dl: --format vtt contradicts --out .*two\.srt/);
  });

  it.skipIf(!FSDD)('--json and --format json print the same {"input", "output"} line', async () => {
    const [json, format] = await Promise.all([
      dl(['speech', 'transcribe', '--model', 'speech-digits', '--json', DIGIT]),
      dl(['speech', 'transcribe', '--model', 'speech-digits', '--format', 'json', DIGIT]),
    ]);
    expect(json.code, json.stderr).toBe(0);
    expect(format.stdout).toBe(json.stdout);
    expect(JSON.parse(json.stdout)).toEqual({ input: DIGIT, output: { text: 'seven', chunks: [expect.objectContaining({ text: 'seven' })] } });
  });

  it('the old --topk still works, and --top-k (the schema name topK) gives the same', async () => {
    const cat = join(SAMPLES, 'cat.jpg');
    const [old, now] = await Promise.all([dl(['vision', 'classify', '--json', '--topk', '2', cat]), dl(['vision', 'classify', '--json', '--top-k', '2', cat])]);
    expect(old.code, old.stderr).toBe(0);
    expect(JSON.parse(old.stdout).output).toHaveLength(2);
    expect(now.stdout).toBe(old.stdout);
    const both = await dl(['vision', 'classify', '--topk', '2', '--top-k', '3', cat]);
    expect([both.code, both.stderr.split('\n')[0]]).toEqual([2, 'dl: --top-k and --topk are the same flag: give it once']);
  });

  it.skipIf(!FSDD)('offline with an empty cache, the hint is in dl words: dl models pull <whisper> and --model speech-digits, one line', async () => {
    const r = await dl(['speech', 'transcribe', DIGIT], { DL_OFFLINE: '1', DL_CACHE: join(dir, 'empty-cache') });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dl: MODEL_OFFLINE: .*\(fetch it first: dl models pull onnx-community\/whisper-tiny\.en --task automatic-speech-recognition; or --model speech-digits, which works offline\)$/);
  });

  it.skipIf(!FSDD)('--json error objects carry the hint; a result that cannot be written is OUTPUT_UNWRITABLE, exit 1', async () => {
    const r = await dl(['speech', 'transcribe', '--model', 'speech-digits', '--json', '--max-seconds', '0.2', DIGIT]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toEqual({ code: 'INPUT_TOO_LARGE', message: expect.any(String), hint: expect.stringMatching(/^--max-seconds \d+ lets it through$/) });
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const w = await dl(['speech', 'transcribe', '--model', 'speech-digits', DIGIT, '--out', join(file, 'sub', 'one.srt')]);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/^dl: OUTPUT_UNWRITABLE: .*one\.srt: /);
  });

  it('faces --json has one shape with or without --match: {faces} (and match)', async () => {
    const cat = join(SAMPLES, 'cat.jpg');
    const r = await dl(['vision', 'faces', '--json', cat]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).output).toEqual({ faces: [] });
    const matched = await dl(['vision', 'faces', '--json', cat, '--match', cat]);
    expect(JSON.parse(matched.stdout).output).toEqual({ faces: [], match: null });
  });
  it('a FIFO given by name fails alone (INPUT_UNSUPPORTED, no flag that does not exist), the image beside it is classified', async () => {
    // Node 20's sync stat of a FIFO broke the model imports that followed it: every input died as INTERNAL.
    const fifo = join(dir, 'pipe.jpg');
    const made = await new Promise<number | null>((done) => spawn('mkfifo', [fifo]).on('close', done));
    expect(made).toBe(0);
    // Without the NODE_PATH that pnpm's runner sets, which would let the broken resolution find the module anyway.
    const r = await dl(['vision', 'classify', join(SAMPLES, 'cat.jpg'), fifo], { NODE_PATH: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Egyptian Mau|tabby|tiger cat/);
    expect(r.stderr).toMatch(/^dl: INPUT_UNSUPPORTED: .*pipe\.jpg: is a FIFO/m);
    expect(r.stderr).not.toMatch(/INTERNAL|--allow-fifo/);
  });
});
