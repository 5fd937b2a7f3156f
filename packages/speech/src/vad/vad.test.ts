import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { SAMPLE_RATE } from '../audio/read-audio.js';
import { joinRecordings } from '../digits/fsdd.js';
import { loadSileroVad, type Vad } from './silero.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');

describe.skipIf(!FSDD_SET)('Silero VAD (real model, real recordings)', () => {
  let vad: Vad;
  beforeAll(async () => {
    vad = await loadSileroVad();
  });
  afterAll(() => vad.dispose());

  it('finds each word of a sequence, quiet speaker included, streamed or whole, and nothing in silence', async () => {
    // theo records ~20 dB quieter than the others.
    const { audio, times: truth } = await joinRecordings(FSDD, ['4_george_0', '1_jackson_1', '5_theo_2', '9_nicolas_3', '3_theo_4'], 0.5);
    const whole = [];
    for await (const s of vad.segments(audio, { withAudio: true })) whole.push(s);
    expect(whole).toHaveLength(truth.length);
    whole.forEach((s, i) => {
      expect(s.start).toBeGreaterThanOrEqual(truth[i]![0] - 0.1);
      expect(s.end).toBeLessThanOrEqual(truth[i]![1] + 0.2); // Silero hears a word's tail a little longer
      expect(s.audio!.length).toBe(Math.round(s.end * SAMPLE_RATE) - Math.round(s.start * SAMPLE_RATE));
    });
    async function* chunks() {
      for (let i = 0; i < audio.length; i += 3000) yield audio.subarray(i, i + 3000);
    }
    const streamed = [];
    for await (const s of vad.segments(chunks())) streamed.push(s);
    expect(streamed).toEqual(whole.map(({ start, end }) => ({ start, end })));
    const silent = [];
    for await (const s of vad.segments(new Float32Array(SAMPLE_RATE * 3))) silent.push(s);
    expect(silent).toEqual([]);
  });
});
