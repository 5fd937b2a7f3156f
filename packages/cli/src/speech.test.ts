import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, parseSubtitles, SAMPLE_RATE } from '@dlkit/speech';
import { joinRecordings } from '@dlkit/speech/training';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { BIN, runDl } from './run-dl.test-helpers.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');

const dl = (args: string[], env: NodeJS.ProcessEnv = {}) => runDl(args, { env, timeoutMs: 120_000 });

describe.skipIf(!FSDD_SET)('dl speech (spawned, embedded speech-digits model)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dlkit-cli-speech-'));
  const sequence = join(dir, 'pin.wav');
  beforeAll(async () => {
    const { audio } = await joinRecordings(FSDD, ['2_lucas_0', '7_george_3', '3_jackson_2'], 0.5);
    writeFileSync(sequence, encodeWav(audio, { sampleRate: SAMPLE_RATE }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('transcribe --format srt --out writes subtitles that parse back to the spoken digits', async () => {
    const srt = join(dir, 'pin.srt');
    const r = await dl(['speech', 'transcribe', '--model', 'speech-digits', sequence, '--format', 'srt', '--out', srt]);
    expect(r.code, r.stderr).toBe(0);
    const cues = parseSubtitles(readFileSync(srt, 'utf8'));
    expect(cues.map((c) => c.text)).toEqual(['two', 'seven', 'three']);
    expect(cues.every((c, i) => c.timestamp[1] > c.timestamp[0] && (i === 0 || c.timestamp[0] >= cues[i - 1]!.timestamp[1]))).toBe(true);
  });

  it('--max-seconds refuses audio longer than it (the pin is 4.6 s) and lets the rest through; 0x10 is a usage error', async () => {
    const r = await dl(['speech', 'transcribe', '--model', 'speech-digits', sequence, '--max-seconds', '3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dl: INPUT_TOO_LARGE: [^\n]*pin\.wav[^\n]*3 s[^\n]*\n$/);
    expect((await dl(['speech', 'transcribe', '--model', 'speech-digits', sequence, '--max-seconds', '10'])).stdout).toMatch(/two seven three/);
    expect((await dl(['speech', 'vad', sequence, '--max-seconds', '3'])).code).toBe(1);
    expect((await dl(['speech', 'transcribe', '--model', 'speech-digits', sequence, '--max-seconds', '0x10'])).code).toBe(2);
  });

  it('--json gives the HF shape per input; a bad file fails alone with nothing written for it; vad lists segments', async () => {
    const bad = join(dir, 'broken.wav');
    writeFileSync(bad, 'RIFF....WAVEfmt nope');
    const outDir = join(dir, 'subs');
    const r = await dl(['speech', 'transcribe', '--model', 'speech-digits', '--json', '--format', 'vtt', '--out', outDir, sequence, bad]);
    expect(r.code).toBe(1);
    const [ok, failed] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(ok.output).toMatchObject({ text: 'two seven three', chunks: [{ timestamp: [expect.any(Number), expect.any(Number)], text: 'two' }, {}, {}] });
    expect(failed).toMatchObject({ input: bad, error: { code: 'INPUT_UNREADABLE' } });
    expect(readdirSync(outDir)).toEqual(['pin.vtt']);
    expect(existsSync(join(outDir, 'broken.vtt'))).toBe(false);
    const stdin = await runDl(['speech', 'transcribe', '--model', 'speech-digits', '-'], { input: readFileSync(sequence) });
    expect(stdin.stdout.trim()).toBe('-: two seven three');
    const vad = await dl(['speech', 'vad', '--json', sequence]);
    expect(vad.code, vad.stderr).toBe(0);
    expect(JSON.parse(vad.stdout).output).toHaveLength(3);
    expect((await dl(['speech', 'transcribe', '--model', 'speech-digits', sequence, '--format', 'doc'])).code).toBe(2);
  });

  it('speech that is not digits (an unseen voice speaking English) is said in words, not read as digits', async () => {
    const english = fileURLToPath(new URL('../../speech/src/digits/fixtures/english-festival-slt.wav', import.meta.url));
    const r = await dl(['speech', 'transcribe', '--model', 'speech-digits', english]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: \(nothing read: \d+ speech segments? the model could not read\)\n$/);
    const json = JSON.parse((await dl(['speech', 'transcribe', '--model', 'speech-digits', '--json', english])).stdout);
    expect(json.output.text).toBe('');
    for (const chunk of json.output.chunks) expect(chunk).toMatchObject({ text: '', score: expect.any(Number) });
  });

  it('--language and --task with the digits model are a usage error (exit 2), not ignored', async () => {
    for (const flags of [['--language', 'french'], ['--task', 'translate']]) {
      const r = await dl(['speech', 'transcribe', '--model', 'speech-digits', ...flags, sequence]);
      expect(r.code).toBe(2);
      // Issue 19: the library refuses the option it cannot honour (parameter), and dl names the flag.
      expect(r.stderr).toMatch(new RegExp(`^dl: ${flags[0]}: [^\\n]*\\nsee dl speech transcribe --help\\n$`));
      expect(r.stdout).toBe('');
    }
  });

  it('with no --model it is Whisper: offline and not cached, one MODEL_OFFLINE line naming dl models pull and --model speech-digits', async () => {
    const r = await dl(['speech', 'transcribe', sequence], { ...process.env, DL_OFFLINE: '1', DL_CACHE: join(dir, 'empty-cache') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/MODEL_OFFLINE.*dl models pull onnx-community\/whisper-tiny.en --task automatic-speech-recognition.*--model speech-digits/);
  });

  it('a batch killed mid-run leaves only whole outputs; --skip-existing goes on from there', async () => {
    const inputs = readdirSync(FSDD).filter((f) => f.startsWith('1_') || f.startsWith('2_')).slice(0, 60).map((f) => join(FSDD, f));
    const out = join(dir, 'batch');
    const args = ['speech', 'transcribe', '--model', 'speech-digits', ...inputs, '--format', 'srt', '--out', out];
    // SIGKILL, not SIGINT: nothing can tidy up, so only the write-then-rename keeps outputs whole.
    const child = spawn(process.execPath, [BIN, ...args]);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(out) && readdirSync(out).length >= 5) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    await new Promise((resolve) => child.on('close', resolve));
    // At most the file being written when it died is a temporary one; every output is whole.
    const first = readdirSync(out).filter((f) => f.endsWith('.srt'));
    expect(readdirSync(out).length - first.length).toBeLessThanOrEqual(1);
    expect(first.length).toBeLessThan(inputs.length);
    for (const file of first) expect(parseSubtitles(readFileSync(join(out, file), 'utf8'))).toHaveLength(1);
    const rerun = await dl([...args, '--skip-existing', '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const lines = rerun.stdout.trim().split('\n').map((l) => JSON.parse(l) as { skipped?: string; output?: unknown });
    expect(lines.filter((l) => l.skipped !== undefined)).toHaveLength(first.length);
    expect(lines.filter((l) => l.output !== undefined)).toHaveLength(inputs.length - first.length);
    // The rerun rewrote the one that was cut short, and removed its orphaned temporary file.
    expect(readdirSync(out).filter((f) => !f.endsWith('.srt'))).toEqual([]);
    expect(readdirSync(out)).toHaveLength(inputs.length);
    expect((await dl(['speech', 'transcribe', '--model', 'speech-digits', inputs[0]!, '--skip-existing'])).code).toBe(2);
  });
});
