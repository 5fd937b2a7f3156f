import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from './ffmpeg.js';
import { readAudio, SAMPLE_RATE } from './read-audio.js';
import { Resampler } from './resample.js';
import { encodeWav, wavFramesPerRead } from './wav.js';

const dir = mkdtempSync(join(tmpdir(), 'dl-audio-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tone = (hz: number, rate: number, seconds: number) => Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

/** A real WAV with some of its fmt fields rewritten, as a hostile writer would. */
function patched(wav: Buffer, fields: { rate?: number; channels?: number; bits?: number }): Buffer {
  const out = Buffer.from(wav);
  if (fields.rate !== undefined) out.writeUInt32LE(fields.rate, 24);
  if (fields.channels !== undefined) out.writeUInt16LE(fields.channels, 22);
  if (fields.bits !== undefined) out.writeUInt16LE(fields.bits, 34);
  out.writeUInt16LE((out.readUInt16LE(22) * out.readUInt16LE(34)) / 8, 32); // keep block align consistent
  return out;
}

/** Chunks of `count` empty JUNK chunks between fmt and data. */
function withEmptyChunks(wav: Buffer, count: number): Buffer {
  const junk = Buffer.alloc(8 * count);
  for (let i = 0; i < count; i++) junk.write('JUNK', i * 8, 'latin1');
  return Buffer.concat([wav.subarray(0, 36), junk, wav.subarray(36)]);
}

async function timed<T>(work: Promise<T>): Promise<{ seconds: number; result: PromiseSettledResult<T> }> {
  const start = performance.now();
  const [result] = await Promise.allSettled([work]);
  return { seconds: (performance.now() - start) / 1000, result: result! };
}

describe('WAV headers are bounded before anything is allocated', () => {
  const small = encodeWav(tone(440, 8000, 0.1), { sampleRate: 8000, bitsPerSample: 8 });

  it('refuses sample rates outside 1 Hz-384 kHz, more than 64 channels and bit depths it does not read, naming value and bound', async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ['rate-0.wav', patched(small, { rate: 0 }), /0 Hz.*1 Hz-384000 Hz/],
      ['rate-4g.wav', patched(small, { rate: 4_294_967_295 }), /4294967295 Hz.*1 Hz-384000 Hz/],
      ['rate-384001.wav', patched(small, { rate: 384_001 }), /384001 Hz/],
      ['channels-65535.wav', patched(small, { channels: 65_535 }), /65535 channels.*at most 64/],
      ['channels-0.wav', patched(small, { channels: 0 }), /0 channels/],
      ['bits-12.wav', patched(small, { bits: 12 }), /12-bit int/],
    ];
    for (const [name, bytes, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const { seconds, result } = await timed(readAudio(path));
      expect(result, name).toMatchObject({ status: 'rejected', reason: { code: 'INPUT_UNSUPPORTED', message: expect.stringMatching(message) } });
      expect((result as PromiseRejectedResult).reason.message).toContain(path);
      expect(seconds, name).toBeLessThan(1);
    }
  });

  it('refuses from its header a tiny WAV that would expand past maxSeconds (1 MB at 1 Hz), and the limit can be raised', async () => {
    const oneHz = join(dir, 'one-hz.wav');
    writeFileSync(oneHz, patched(encodeWav(new Float32Array(1 << 19), { sampleRate: 8000 }), { rate: 1 }));
    const { seconds, result } = await timed(readAudio(oneHz));
    expect(result).toMatchObject({ status: 'rejected', reason: { code: 'INPUT_TOO_LARGE', message: expect.stringMatching(/524288 s of audio.*14400 s limit/), hint: { kind: 'raise-option', option: 'maxSeconds', value: 524288 } } });
    expect(seconds).toBeLessThan(1);

    const twoSeconds = encodeWav(tone(440, 8000, 2), { sampleRate: 8000 });
    await expect(readAudio(twoSeconds, { maxSeconds: 1.5 })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE', message: expect.stringMatching(/1.5 s limit/) });
    expect((await readAudio(twoSeconds, { maxSeconds: 2 })).length).toBe(2 * SAMPLE_RATE);
  });

  it('gives up after a bounded number of chunks before the data chunk, and still reads a WAV with a few', async () => {
    const wav = encodeWav(tone(440, 8000, 0.1), { sampleRate: 8000 });
    const path = join(dir, 'chunks.wav');
    writeFileSync(path, withEmptyChunks(wav, 200_000));
    const { seconds, result } = await timed(readAudio(path));
    expect(result).toMatchObject({ status: 'rejected', reason: { code: 'INPUT_UNSUPPORTED', message: expect.stringMatching(/chunks\.wav: more than 1000 chunks/) } });
    expect(seconds).toBeLessThan(1);
    expect((await readAudio(withEmptyChunks(wav, 5))).length).toBe(1600);
  });

  it('reads in at most 1 MiB whatever the channel count, at most one second at a time, and reads the largest valid header', async () => {
    const format = (channels: number, sampleRate: number, bitsPerSample: number) => ({ channels, sampleRate, bitsPerSample, encoding: 'float' as const, dataOffset: 44, frames: 1 });
    expect(wavFramesPerRead(format(64, 384_000, 64)) * 64 * 8).toBeLessThanOrEqual(1 << 20);
    expect(wavFramesPerRead(format(1, 1, 32))).toBe(1); // one second: its 16,000 samples once resampled
    expect(wavFramesPerRead(format(1, 16_000, 32))).toBe(16_000);
    const frames = tone(1000, 384_000, 0.05);
    const interleaved = new Float32Array(frames.length * 64);
    frames.forEach((v, i) => interleaved.fill(v, i * 64, (i + 1) * 64));
    const samples = await readAudio(encodeWav(interleaved, { sampleRate: 384_000, channels: 64, float: true, bitsPerSample: 64 }));
    expect(Math.abs(samples.length - 0.05 * SAMPLE_RATE)).toBeLessThanOrEqual(1);
  });
});

describe('audio files', () => {
  it('a FIFO or a device given as an audio path is refused at once, not waited on or read for ever', async () => {
    const fifo = join(dir, 'fifo.wav');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const path of [fifo, '/dev/zero']) {
      const { seconds, result } = await timed(readAudio(path));
      expect(result, path).toMatchObject({ status: 'rejected', reason: { code: 'INPUT_UNSUPPORTED', message: expect.stringMatching(/not a regular file/) } });
      expect(seconds).toBeLessThan(1);
    }
  }, 10_000);
});

describe('resampler', () => {
  it('keeps its kernel table the same size whatever the rate ratio', () => {
    const before = process.memoryUsage().arrayBuffers;
    // 48 MHz to 16 kHz: a table in input samples would be 17 x 512 x 3000 floats (100 MB); history is 200 KB.
    const wide = new Resampler(48_000_000, SAMPLE_RATE);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
    expect(wide.process(new Float32Array(48_000)).length).toBeLessThanOrEqual(16);
    expect(() => new Resampler(Number.NaN, SAMPLE_RATE)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

const ffmpeg = findFfmpeg();
if (!ffmpeg) console.log('skipping the ffmpeg limit tests: no ffmpeg (apt-get install ffmpeg, or pnpm install for @ffmpeg-installer/ffmpeg)');

/** ffmpeg processes whose command line names `path`. */
const ffmpegsReading = (path: string) => (spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter((line) => line.includes(path));

/** A Sun .au file of 32-bit float samples: a format ffmpeg decodes (sample values kept as they are) and we do not. */
function floatAu(samples: number[], rate = SAMPLE_RATE): Buffer {
  const out = Buffer.alloc(24 + samples.length * 4);
  out.write('.snd', 0, 'latin1');
  [24, samples.length * 4, 6, rate, 1].forEach((v, i) => out.writeUInt32BE(v, 4 + 4 * i));
  samples.forEach((v, i) => out.writeFloatBE(v, 24 + 4 * i));
  return out;
}

describe.skipIf(!ffmpeg)('ffmpeg children are bounded', () => {
  let server: Server;
  let requests = 0;
  let playlist = '';
  beforeAll(async () => {
    // A live playlist that never ends: a new segment every second, never an #EXT-X-ENDLIST.
    server = createServer((request, response) => {
      requests++;
      const port = (server.address() as AddressInfo).port;
      const n = Math.floor(Date.now() / 1000);
      const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:1', `#EXT-X-MEDIA-SEQUENCE:${n}`, '#EXTINF:1.0,', `http://127.0.0.1:${port}/segment-${n}.ts`];
      response.end(request.url?.startsWith('/segment') ? Buffer.alloc(188 * 10, 0x47) : `${lines.join('\n')}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    playlist = ['#EXTM3U', '#EXT-X-TARGETDURATION:1', '#EXT-X-MEDIA-SEQUENCE:0', ...[0, 1, 2].flatMap((i) => ['#EXTINF:1.0,', `http://127.0.0.1:${port}/segment-${i}.ts`])].join('\n');
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a live HLS playlist named .mp3 stops at the deadline with a typed error, reaches no network and leaves no ffmpeg behind', async () => {
    const path = join(dir, 'live.mp3');
    writeFileSync(path, `${playlist}\n`);
    const { seconds, result } = await timed(readAudio(path, { decodeTimeoutMs: 1500 }));
    expect(result).toMatchObject({
      status: 'rejected',
      reason: { code: 'INPUT_UNREADABLE', message: expect.stringMatching(/live\.mp3: ffmpeg did not finish decoding within 1.5 s/), hint: { kind: 'raise-option', option: 'decodeTimeoutMs' } },
    });
    expect((result as PromiseRejectedResult).reason.message).not.toMatch(/raise/); // the remedy is the hint, worded by whoever shows it
    expect(seconds).toBeLessThan(4);
    expect(requests).toBe(0);
    expect(ffmpegsReading(path)).toEqual([]);
    // The same playlist as bytes (an upload) cannot reach the network either.
    await expect(readAudio(Buffer.from(playlist), { decodeTimeoutMs: 1500 })).rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
    expect(requests).toBe(0);
  }, 15_000);

  it('aborting the signal stops ffmpeg at once with ABORTED', async () => {
    const path = join(dir, 'live-aborted.mp3');
    writeFileSync(path, `${playlist}\n`);
    const { seconds, result } = await timed(readAudio(path, { signal: AbortSignal.timeout(500) }));
    expect(result).toMatchObject({ status: 'rejected', reason: { code: 'ABORTED', message: expect.stringContaining('live-aborted.mp3') } });
    expect(seconds).toBeLessThan(3);
    expect(ffmpegsReading(path)).toEqual([]);
  }, 15_000);

  it('NaN and infinite samples decoded by ffmpeg are a typed error, as in a WAV', async () => {
    for (const [name, bad] of [['nan.au', Number.NaN], ['inf.au', Number.NEGATIVE_INFINITY]] as const) {
      const path = join(dir, name);
      writeFileSync(path, floatAu([0, 0.1, 0.2, bad, 0.1, ...new Array<number>(1600).fill(0)]));
      await expect(readAudio(path), name).rejects.toMatchObject({ code: 'INPUT_UNREADABLE', message: expect.stringMatching(new RegExp(`${name}: sample 3 is ${bad}`)) });
    }
  });

  it('the duration bound holds for audio decoded by ffmpeg', async () => {
    const path = join(dir, 'two-seconds.au');
    writeFileSync(path, floatAu(Array.from(tone(440, SAMPLE_RATE, 2))));
    await expect(readAudio(path, { maxSeconds: 1 })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE', message: expect.stringMatching(/two-seconds\.au: more than the 1 s limit/), hint: { kind: 'raise-option', option: 'maxSeconds' } });
    expect((await readAudio(path, { maxSeconds: 2 })).length).toBe(2 * SAMPLE_RATE);
  });
});
