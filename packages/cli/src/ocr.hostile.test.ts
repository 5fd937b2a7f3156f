import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDl } from './run-dl.test-helpers.js';

// `dl vision ocr` and `dl batch ocr` (the built CLI, real Tesseract) on a folder where some images are bad: the
// good ones are still read, and stdout holds JSON lines only (Tesseract's own notes never reach it).
const FIXTURE = fileURLToPath(new URL('../../vision/src/ocr/fixtures/lines.png', import.meta.url));
const LINES = (JSON.parse(readFileSync(fileURLToPath(new URL('../../vision/src/ocr/fixtures/lines.json', import.meta.url)), 'utf8')) as { lines: string[] }).lines;

type Line = { input: string; output?: { lines: Array<{ text: string }> }; error?: { code: string } };

describe('dl vision ocr / dl batch ocr with bad images among good ones (spawned)', () => {
  let dir: string;
  let inputs: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-ocr-hostile-'));
    inputs = { good: join(dir, 'a-good.png'), broken: join(dir, 'b-broken.png'), tiny: join(dir, 'c-tiny.png'), tall: join(dir, 'd-tall.png'), fifo: join(dir, 'e-fifo.png'), again: join(dir, 'f-good.png') };
    writeFileSync(inputs.good!, readFileSync(FIXTURE));
    writeFileSync(inputs.again!, readFileSync(FIXTURE));
    writeFileSync(inputs.broken!, readFileSync(FIXTURE).subarray(0, 200)); // a truncated PNG
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } }).png().toFile(inputs.tiny!);
    await sharp({ create: { width: 3, height: 20_000, channels: 3, background: '#ffffff' } }).png().toFile(inputs.tall!);
    execFileSync('mkfifo', [inputs.fifo!]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: one JSON line per input on stdout and nothing else, the good pages read, the truncated PNG and the FIFO typed errors', async () => {
    const order = ['good', 'broken', 'tiny', 'tall', 'fifo', 'again'];
    const r = await runDl(['vision', 'ocr', '--json', ...order.map((k) => inputs[k]!)], { timeoutMs: 120_000 });
    expect(r.code).toBe(1); // some inputs failed
    const lines = r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
    expect(lines.map((l) => l.input)).toEqual(order.map((k) => inputs[k]));
    const [good, broken, tiny, tall, fifo, again] = lines;
    expect(good!.output!.lines.map((l) => l.text)).toEqual(LINES);
    expect(again!.output!.lines.map((l) => l.text)).toEqual(LINES);
    expect(broken!.error!.code).toBe('INPUT_UNREADABLE');
    expect(fifo!.error!.code).toMatch(/^INPUT_/);
    expect(tiny!.output!.lines).toEqual([]);
    expect(tall!.output!.lines).toEqual([]);
  });

  it('--lang-path to a folder whose eng.traineddata is noise: MODEL_INVALID on stderr, exit 1, and dl exits (no Tesseract worker left running)', async () => {
    const langs = join(dir, 'langs');
    execFileSync('mkdir', ['-p', langs]);
    writeFileSync(join(langs, 'eng.traineddata'), Buffer.from(Array.from({ length: 1 << 16 }, (_, i) => (i * 2654435761) >>> 24)));
    const r = await runDl(['vision', 'ocr', '--lang-path', langs, inputs.good!], { timeoutMs: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^dl: MODEL_INVALID: .*eng\.traineddata is not a Tesseract traineddata file/m);
  });

  it('dl batch ocr over the folder: a line for every file, the good pages read though others failed', async () => {
    const out = join(dir, 'out.jsonl');
    const r = await runDl(['batch', 'ocr', inputs.good!, inputs.broken!, inputs.tiny!, inputs.again!, '--out', out, '--workers', '1', '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ done: 4, errors: 1 });
    const byInput = new Map(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line).map((l) => [l.input, l]));
    expect(byInput.get(inputs.good!)!.output!.lines.map((l) => l.text)).toEqual(LINES);
    expect(byInput.get(inputs.again!)!.output!.lines.map((l) => l.text)).toEqual(LINES);
    expect(byInput.get(inputs.broken!)!.error!.code).toBe('INPUT_UNREADABLE');
  });
});
