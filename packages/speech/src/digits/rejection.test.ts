import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { readAudio, SAMPLE_RATE } from '../audio/read-audio.js';
import { concatSamples } from '../audio/samples.js';
import '../embedded.js';
import { loadDigitRecognizer, type DigitRecognizer } from '../transcribe/digit-recognizer.js';
import { loadSileroVad, type Vad } from '../vad/silero.js';
import { DIGIT_LABELS, DIGIT_VAD, DIGIT_WORDS, UNKNOWN_LABEL } from './features.js';
import { isTestTake, listFsdd } from './fsdd.js';
import { noise } from './noise.js';
import { readDigit } from './rejection.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const labels = [...DIGIT_LABELS];

describe('readDigit: the answer from the probabilities', () => {
  const probabilities = (at: Record<string, number>) => labels.map((l) => at[l] ?? 0);

  it('a sure digit is that digit, with its probability', () => {
    expect(readDigit(probabilities({ seven: 0.9, unknown: 0.1 }), labels)).toEqual({ text: 'seven', score: 0.9 });
  });

  it('"unknown" on top, or no digit the model is sure of, is text "" with the probability of not that digit', () => {
    expect(readDigit(probabilities({ seven: 0.3, unknown: 0.7 }), labels)).toEqual({ text: '', score: 0.7 });
    const unsure = readDigit(probabilities({ seven: 0.4, one: 0.35, unknown: 0.25 }), labels);
    expect(unsure.text).toBe('');
    expect(unsure.score).toBeCloseTo(0.6);
  });

  it('a model without an unknown class still rejects what it is unsure of', () => {
    const ten = [...DIGIT_WORDS];
    expect(readDigit(ten.map((w) => (w === 'two' ? 0.95 : 0.005)), ten).text).toBe('two');
    expect(readDigit(ten.map(() => 0.1), ten).text).toBe('');
    expect(ten).not.toContain(UNKNOWN_LABEL);
  });
});

describe('the embedded speech-digits model says "not a digit"', () => {
  let vad: Vad;
  let recognizer: DigitRecognizer;
  beforeAll(async () => {
    vad = await loadSileroVad();
    recognizer = await loadDigitRecognizer({ kind: 'embedded', name: 'speech-digits' });
  });
  afterAll(async () => {
    recognizer.dispose();
    await vad.dispose();
  });

  /** What transcription does: the VAD cuts words, the recogniser reads each. */
  const read = async (audio: Float32Array) => {
    const out: Array<{ text: string; score: number }> = [];
    for await (const s of vad.segments(audio, { ...DIGIT_VAD, withAudio: true })) out.push(...recognizer.recognize([s.audio!]));
    return out;
  };
  const expectNoDigit = (chunks: Array<{ text: string; score: number }>) => {
    for (const chunk of chunks) {
      expect(chunk.text).toBe('');
      expect(chunk.score).toBeGreaterThanOrEqual(0);
      expect(chunk.score).toBeLessThanOrEqual(1);
    }
  };
  const rng = createRng(7);
  // Pink noise and chords were never in training; white noise and tones were (other lengths and levels).
  const sounds: Array<[string, () => Float32Array]> = [
    ['silence', () => new Float32Array(2 * SAMPLE_RATE)],
    ['white noise', () => noise('white', 2, 0.3, rng)],
    ['pink noise', () => noise('pink', 2, 0.5, rng)],
    ['a tone', () => noise('tone', 1.5, 0.6, rng)],
    ['chords, one after another with pauses', () => concatSamples(noise('chord', 0.8, 0.5, rng), new Float32Array(SAMPLE_RATE / 2), noise('chord', 1.2, 0.7, rng))],
  ];

  it.each(sounds)('%s: no digit', async (_, make) => {
    expectNoDigit(await read(make()));
  });

  it.each([
    ['an English sentence (festival slt)', 'english-festival-slt.wav'],
    ['Italian (festival lp)', 'italian-festival-lp.wav'],
    ['Russian (espeak-ng)', 'russian-espeak.wav'],
  ])('%s: the VAD hears speech, the model no digit', async (_, name) => {
    const chunks = await read(await readAudio(fixture(name)));
    expect(chunks.length).toBeGreaterThan(0);
    expectNoDigit(chunks);
  });

  it.skipIf(!FSDD_SET)('still reads FSDD test takes (every third of the 250) at >= 97%, each with a score', async () => {
    const takes = (await listFsdd(FSDD)).filter(isTestTake).filter((_, i) => i % 3 === 0);
    let correct = 0;
    for (const r of takes) {
      const chunks = await read(await readAudio(r.path));
      chunks.forEach((c) => expect(c.score).toBeGreaterThan(0));
      if (chunks.filter((c) => c.text !== '').map((c) => c.text).join(' ') === DIGIT_WORDS[r.digit]) correct++;
    }
    expect(correct / takes.length).toBeGreaterThanOrEqual(0.97);
  });
});
