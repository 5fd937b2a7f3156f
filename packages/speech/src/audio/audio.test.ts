import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { findFfmpeg } from './ffmpeg.js';
import { readAudio, SAMPLE_RATE } from './read-audio.js';
import { resample, Resampler } from './resample.js';
import { encodeWav } from './wav.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const dir = mkdtempSync(join(tmpdir(), 'dl-audio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tone = (hz: number, rate: number, seconds: number, amplitude = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
const rms = (x: Float32Array, from = 0, to = x.length) => Math.sqrt(x.subarray(from, to).reduce((s, v) => s + v * v, 0) / (to - from));
/** Sign changes per second: twice the frequency of a pure tone. */
const crossings = (x: Float32Array) => x.reduce((n, v, i) => n + (i > 0 && Math.sign(v) !== Math.sign(x[i - 1]!) ? 1 : 0), 0) / (x.length / SAMPLE_RATE);

describe('audio input', () => {
  it('reads WAV of every PCM depth and float, stereo, 44.1 kHz, as 16 kHz mono with the same tone', async () => {
    const left = tone(440, 44_100, 1);
    const stereo = new Float32Array(left.length * 2);
    left.forEach((v, i) => ((stereo[2 * i] = v), (stereo[2 * i + 1] = v)));
    for (const format of [{ bitsPerSample: 8 }, { bitsPerSample: 16 }, { bitsPerSample: 24 }, { bitsPerSample: 32 }, { float: true, bitsPerSample: 32 }, { float: true, bitsPerSample: 64 }]) {
      const samples = await readAudio(encodeWav(stereo, { sampleRate: 44_100, channels: 2, ...format }));
      expect(Math.abs(samples.length - SAMPLE_RATE), JSON.stringify(format)).toBeLessThanOrEqual(1);
      expect(crossings(samples.subarray(800, 15_200)) / 2).toBeCloseTo(440, -1);
      expect(rms(samples, 800, 15_200)).toBeCloseTo(0.5 / Math.SQRT2, 1);
    }
  });

  it('resamples with an anti-aliasing filter: a tone above the new Nyquist frequency is removed, one below kept', () => {
    const kept = resample(tone(1000, 48_000, 1), 48_000, SAMPLE_RATE);
    const removed = resample(tone(12_000, 48_000, 1), 48_000, SAMPLE_RATE);
    expect(rms(kept, 1000, 15_000) / (0.5 / Math.SQRT2)).toBeCloseTo(1, 1);
    // Picking every third sample would fold 12 kHz onto 4 kHz at full strength.
    expect(rms(removed, 1000, 15_000)).toBeLessThan(0.005);
    // Streaming in odd-sized chunks gives the same samples as one call.
    const input = tone(700, 8000, 0.5);
    const streamed = new Resampler(8000, SAMPLE_RATE);
    const parts = [input.subarray(0, 333), input.subarray(333, 2000), input.subarray(2000)].map((c) => streamed.process(c));
    const joined = Float32Array.from([...parts.flatMap((p) => [...p]), ...streamed.flush()]);
    const whole = resample(input, 8000, SAMPLE_RATE);
    expect(joined.length).toBe(whole.length);
    expect(Math.max(...joined.map((v, i) => Math.abs(v - whole[i]!)))).toBeLessThan(1e-6);
  });

  it.skipIf(!FSDD_SET)('reads the real 8 kHz FSDD recordings and compressed audio through ffmpeg', async () => {
    const wav = join(FSDD, '7_theo_0.wav');
    const samples = await readAudio(wav);
    expect(samples.length).toBeGreaterThan(SAMPLE_RATE * 0.2);
    expect(findFfmpeg()).not.toBeNull();
    for (const ext of ['mp3', 'ogg', 'flac']) {
      const file = join(dir, `seven.${ext}`);
      expect(spawnSync(findFfmpeg()!, ['-v', 'error', '-y', '-i', wav, file]).status).toBe(0);
      const decoded = await readAudio(file);
      expect(Math.abs(decoded.length - samples.length), ext).toBeLessThan(0.06 * SAMPLE_RATE); // codec padding
      expect(rms(decoded)).toBeCloseTo(rms(samples), 1);
    }
  });

  it('bad audio is a typed error naming what is wrong', async () => {
    const good = encodeWav(tone(440, 8000, 0.1), { sampleRate: 8000 });
    const nan = encodeWav(Float32Array.from([0, 0.5, Number.NaN, 0.1]), { sampleRate: 8000, float: true });
    const oversized = Buffer.from(good);
    oversized.writeUInt32LE(10_000_000, 40);
    const cases: Array<[string, Uint8Array, string, RegExp]> = [
      ['empty.wav', Buffer.alloc(0), 'INPUT_UNSUPPORTED', /empty/],
      ['header.wav', good.subarray(0, 30), 'INPUT_UNREADABLE', /truncated/],
      ['text.wav', Buffer.from('this is not a sound file, just text\n'.repeat(10)), 'INPUT_UNREADABLE', /not a WAV file/],
      ['oversized.wav', oversized, 'INPUT_UNREADABLE', /declares 10000000 bytes/],
      ['silence.wav', encodeWav(new Float32Array(0), { sampleRate: 8000 }), 'INPUT_UNSUPPORTED', /no samples/],
      ['nan.wav', nan, 'INPUT_UNREADABLE', /sample 2 is NaN/],
      ['text.mp3', Buffer.from('not an mp3 at all'.repeat(20)), 'INPUT_UNREADABLE', /ffmpeg cannot decode it/],
    ];
    for (const [name, bytes, code, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      await expect(readAudio(path), name).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    }
    await expect(readAudio(join(dir, 'missing.wav'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});
