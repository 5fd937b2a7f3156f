import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { encodeWav, SAMPLE_RATE } from '@dlkit/speech';
import { joinRecordings } from '@dlkit/speech/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { BIN, mapConcurrently } from './run-dl.test-helpers.js';

// Hostile WAV streams on `dl speech transcribe - --stream` (the built CLI, speech-digits), made here from FSDD
// recordings: headers that lie, streams that stop, and whether stdout stays lines of JSON.
const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const LIVE = ['speech', 'transcribe', '-', '--stream', '--model', 'speech-digits'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `dl` fed `chunks` (each written once the last has drained); stdin ends after them unless `keepOpen`. */
function live(args: string[], chunks: Buffer[], keepOpen = false): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const closed = new Promise<Run>((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr, ms: Date.now() - started }))));
  void (async () => {
    for (const c of chunks) if (!child.stdin.write(c)) await new Promise((r) => child.stdin.once('drain', r));
    if (!keepOpen) child.stdin.end();
  })();
  return closed.then((run) => (child.stdin.destroy(), run));
}

/** A 44-byte WAV header for PCM16 with the given rate, channels and data size (what a lying writer sets). */
function header(sampleRate: number, channels: number, dataBytes: number): Buffer {
  const h = encodeWav(new Float32Array(channels), { sampleRate, channels }).subarray(0, 44);
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes + 36), 4);
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

const samplesOf = (wav: Buffer) => wav.subarray(44);
const lineShape = /^\d+\.\d\d-\d+\.\d\d \S+$/;

describe.skipIf(!FSDD_SET)('dl speech transcribe - --stream on hostile WAV streams (spawned, speech-digits on FSDD)', () => {
  let audio: Float32Array;
  let pcm: Buffer;
  beforeAll(async () => {
    audio = (await joinRecordings(FSDD, ['5_theo_1', '9_nicolas_0'], 0.5)).audio;
    pcm = samplesOf(encodeWav(audio, { sampleRate: SAMPLE_RATE }));
  });

  it('a header declaring 2 GB of data, then 2 words, then EOF: the words are printed and it exits 0 (a cut-off stream just ends)', async () => {
    const r = await live(LIVE, [header(SAMPLE_RATE, 1, 0x7ffffff0), pcm]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(' ')[1])).toEqual(['five', 'nine']);
  });

  it('8 channels at 384 kHz (the most the reader takes) are down-mixed and resampled as they come: the same two words', async () => {
    // Each 16 kHz sample held for 24 samples at 384 kHz, on all 8 channels.
    const wide = new Float32Array(audio.length * 24 * 8);
    for (let i = 0; i < audio.length * 24; i++) wide.fill(audio[Math.floor(i / 24)]!, i * 8, i * 8 + 8);
    const wav = encodeWav(wide, { sampleRate: 384_000, channels: 8 });
    wav.writeUInt32LE(0xffffffff, 4);
    wav.writeUInt32LE(0xffffffff, 40);
    const pieces = Array.from({ length: Math.ceil(wav.length / 65_536) }, (_, i) => wav.subarray(i * 65_536, (i + 1) * 65_536));
    const r = await live(LIVE, pieces);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(' ')[1])).toEqual(['five', 'nine']);
  });

  it('a header past the bounds (400 kHz, 65 channels) and bytes that are not a WAV: INPUT_UNSUPPORTED / INPUT_UNREADABLE, exit 1, nothing on stdout', async () => {
    const runs = await mapConcurrently([[header(400_000, 1, 1000)], [header(SAMPLE_RATE, 65, 1000)], [Buffer.from('RIFF\x00\x00\x00\x00WAVEjunk')]], 3, (c) => live(LIVE, c));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^dl: INPUT_UN(SUPPORTED|READABLE): standard input/);
    }
  });

  it('a header and then nothing, stdin left open, with --idle-seconds 1: INPUT_UNREADABLE (exit 1) within seconds; without a header at all too', async () => {
    const runs = await mapConcurrently([[header(SAMPLE_RATE, 1, 0xffffffff)], []], 2, (c) => live([...LIVE, '--idle-seconds', '1'], c, true));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^dl: INPUT_UNREADABLE: live audio: none came for 1 s/m);
      expect(r.ms).toBeLessThan(30_000);
    }
  });

  it('stdin closed mid-sample (an odd byte count) and mid-header: the whole samples are read (exit 0), a half header is INPUT_UNREADABLE', async () => {
    const [mid, half] = await mapConcurrently([[header(SAMPLE_RATE, 1, 0xffffffff), pcm.subarray(0, pcm.length - 1)], [header(SAMPLE_RATE, 1, 0xffffffff).subarray(0, 30)]], 2, (c) => live(LIVE, c));
    expect(mid!.code, mid!.stderr).toBe(0);
    expect(mid!.stdout.trim().split('\n').every((l) => lineShape.test(l))).toBe(true);
    expect(half!.code).toBe(1);
    expect(half!.stderr).toMatch(/^dl: INPUT_UNREADABLE: standard input/);
  });

  it('--partial --json on speech then noise then a stall: stdout is JSON lines only ({input, output.final}), the error on stderr', async () => {
    // 1 s of hash noise in (-1, 1): loud, and no word.
    const noise = Float32Array.from({ length: SAMPLE_RATE }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const noisePcm = samplesOf(encodeWav(noise, { sampleRate: SAMPLE_RATE }));
    const r = await live([...LIVE, '--partial', '--json', '--idle-seconds', '1'], [header(SAMPLE_RATE, 1, 0xffffffff), pcm, noisePcm], true);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ input: '-', output: { final: expect.any(Boolean), text: expect.any(String) } });
    expect(r.stderr).toMatch(/INPUT_UNREADABLE/);
  });
});
