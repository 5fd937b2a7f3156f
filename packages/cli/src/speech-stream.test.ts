import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { encodeWav, pipeline, SAMPLE_RATE, type TranscriptChunk } from '@dlkit/speech';
import { joinRecordings } from '@dlkit/speech/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { BIN, mapConcurrently, runDl } from './run-dl.test-helpers.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const LIVE = ['speech', 'transcribe', '-', '--stream', '--model', 'speech-digits'];
const WORDS = ['five', 'nine', 'four', 'eight'];

/** `dl` with a pipe on stdin that the test writes as a recorder would, and its output as it comes. */
function liveDl(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { env: process.env });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), waiters.splice(0).forEach((w) => w())));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve(code))));
  return {
    child,
    closed,
    lines: () => stdout.split('\n').filter((l) => l !== ''),
    stderr: () => stderr,
    /** Writes `bytes` in 640-byte pieces (20 ms of 16 kHz 16-bit audio), letting the pipe drain between them. */
    async write(bytes: Buffer) {
      for (let at = 0; at < bytes.length; at += 640) {
        if (!child.stdin.write(bytes.subarray(at, at + 640))) await new Promise((r) => child.stdin.once('drain', r));
      }
    },
    async waitForLines(n: number) {
      while (stdout.split('\n').filter((l) => l !== '').length < n) await new Promise<void>((r) => waiters.push(r));
    },
  };
}

describe.skipIf(!FSDD_SET)('dl speech transcribe - --stream (spawned, speech-digits on FSDD)', () => {
  let wav: Buffer;
  let whole: TranscriptChunk[];
  const bytesAt = (seconds: number) => 44 + 2 * Math.round(seconds * SAMPLE_RATE);
  beforeAll(async () => {
    const { audio } = await joinRecordings(FSDD, ['5_theo_1', '9_nicolas_0', '4_jackson_4', '8_lucas_2'], 0.5);
    // A recorder's stream: the RIFF and data sizes unknown (what ffmpeg writes to a pipe).
    wav = encodeWav(audio, { sampleRate: SAMPLE_RATE });
    wav.writeUInt32LE(0xffffffff, 4);
    wav.writeUInt32LE(0xffffffff, 40);
    const transcriber = await pipeline('automatic-speech-recognition', 'speech-digits');
    whole = (await transcriber(audio)).chunks;
    await transcriber.dispose();
  });

  it('prints each segment as it closes (before the stream ends), with the times and words of the whole file', async () => {
    expect(whole.map((c) => c.text)).toEqual(WORDS);
    const dl = liveDl(LIVE);
    const half = bytesAt(whole[1]!.timestamp[1] + 0.3);
    await dl.write(wav.subarray(0, half));
    await dl.waitForLines(2);
    await dl.write(wav.subarray(half));
    dl.child.stdin.end();
    expect(await dl.closed, dl.stderr()).toBe(0);
    const at = (s: number) => s.toFixed(2);
    expect(dl.lines()).toEqual(whole.map((c) => `${at(c.timestamp[0])}-${at(c.timestamp[1])} ${c.text}`));
  });

  it('--json gives one {input, output: chunk} line per segment; Ctrl-C mid-word still prints that word and exits 0', async () => {
    const dl = liveDl([...LIVE, '--json']);
    const last = whole.at(-1)!;
    await dl.write(wav.subarray(0, bytesAt(last.timestamp[0] + 0.75 * (last.timestamp[1] - last.timestamp[0]))));
    await dl.waitForLines(whole.length - 1);
    // What was written is read within a frame's time; the wait is for a busy machine.
    await new Promise((r) => setTimeout(r, 1000));
    dl.child.kill('SIGINT');
    expect(await dl.closed, dl.stderr()).toBe(0);
    const lines = dl.lines().map((l) => JSON.parse(l) as { input: string; output: TranscriptChunk });
    expect(lines.slice(0, -1)).toEqual(whole.slice(0, -1).map((output) => ({ input: '-', output })));
    expect(lines).toHaveLength(whole.length);
    expect(lines.at(-1)!.output.timestamp[0]).toBeCloseTo(last.timestamp[0], 1);
  });

  it('--partial --json: a line of "final": false while the first word is said, finals "final": true with the times and words of the whole file', async () => {
    const dl = liveDl([...LIVE, '--partial', '--json']);
    // Three quarters into the first word: its segment is still open, so the first line can only be a partial.
    const first = whole[0]!;
    const cut = bytesAt(first.timestamp[0] + 0.75 * (first.timestamp[1] - first.timestamp[0]));
    await dl.write(wav.subarray(0, cut));
    await dl.waitForLines(1);
    await dl.write(wav.subarray(cut));
    dl.child.stdin.end();
    expect(await dl.closed, dl.stderr()).toBe(0);
    const lines = dl.lines().map((l) => JSON.parse(l) as { input: string; output: TranscriptChunk & { final: boolean } });
    expect(lines[0]).toMatchObject({ input: '-', output: { final: false, text: expect.any(String), timestamp: [expect.any(Number), expect.any(Number)] } });
    expect(lines[0]!.output.timestamp[0]).toBeCloseTo(first.timestamp[0], 1);
    expect(lines.filter((l) => l.output.final).map(({ output: { final, ...chunk } }) => chunk)).toEqual(whole);
  });

  it('--idle-seconds: input that stalls mid-word prints the segments heard, that word included, then INPUT_UNREADABLE (exit 1)', async () => {
    const dl = liveDl([...LIVE, '--idle-seconds', '1']);
    const third = whole[2]!;
    await dl.write(wav.subarray(0, bytesAt(third.timestamp[0] + 0.75 * (third.timestamp[1] - third.timestamp[0]))));
    expect(await dl.closed).toBe(1);
    expect(dl.lines()).toHaveLength(3);
    expect(Number(dl.lines()[2]!.split('-')[0])).toBeCloseTo(third.timestamp[0], 1);
    expect(dl.stderr()).toMatch(/^dl: INPUT_UNREADABLE: live audio: none came for 1 s/m);
  });

  it('bytes that are not a WAV are INPUT_UNREADABLE (exit 1); a file, --out, --partial without --stream, a bad --idle-seconds are usage errors (exit 2)', async () => {
    const bad = await runDl(LIVE, { input: Buffer.from('ID3 an mp3 is not a WAV stream'), timeoutMs: 60_000 });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^dl: INPUT_UNREADABLE: standard input: not a WAV file/);
    const usage = [
      ['speech', 'transcribe', 'a.wav', '--stream'],
      [...LIVE, '--out', 'x.txt'],
      [...LIVE, '--format', 'srt'],
      ['speech', 'transcribe', '-', '--model', 'speech-digits', '--partial'],
      [...LIVE, '--idle-seconds', '0x10'],
    ];
    const runs = await mapConcurrently(usage, 3, (args) => runDl(args, { timeoutMs: 60_000 }));
    for (const [i, r] of runs.entries()) {
      expect(r.code, `${usage[i]!.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/^dl: --(stream|out|format|partial|idle-seconds)\b/);
    }
  });
});
