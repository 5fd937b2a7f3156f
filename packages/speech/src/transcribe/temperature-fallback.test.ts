import { describe, expect, it } from 'vitest';
import { asrCallOptions, WHISPER_TEMPERATURES } from '../tasks.js';
import { compressionRatio, needsFallback, withFallback } from './temperature-fallback.js';

const LOOP = ' the'.repeat(30);
const SENTENCE = 'four one five, and then the rest of the numbers I was given.';

describe('compression ratio and the fallback decision (pure)', () => {
  it("is openai-whisper's len(text) / len(zlib.compress(text)): Python's zlib figures, to a byte", () => {
    // python3 -c "import zlib; t=' the'*30; print(len(t)/len(zlib.compress(t.encode())))" -> 8.0; the sentence: 60/61
    // (Node's zlib deflates it to 62 bytes: builds differ by a byte on incompressible text).
    expect(compressionRatio(LOOP)).toBe(8);
    expect(compressionRatio(SENTENCE)).toBeCloseTo(60 / 61, 1);
    expect(compressionRatio('')).toBe(0);
    expect(compressionRatio('ça, c’est ça')).toBeGreaterThan(0);
  });

  it('a loop (ratio > 2.4) or a mean log-probability under -1 needs the next temperature; speech and empty text do not', () => {
    expect(needsFallback({ text: LOOP })).toBe(true);
    expect(needsFallback({ text: SENTENCE })).toBe(false);
    expect(needsFallback({ text: '' })).toBe(false);
    expect(needsFallback({ text: SENTENCE, avgLogprob: -1.3 })).toBe(true);
    expect(needsFallback({ text: SENTENCE, avgLogprob: -0.4 })).toBe(false);
    expect(needsFallback({ text: SENTENCE, avgLogprob: -1 })).toBe(false);
  });

  it('withFallback walks the ladder until a decode passes, and keeps the last one when none does', async () => {
    const tried: number[] = [];
    const decodeAt = (passFrom: number) => async (t: number) => (tried.push(t), { text: t >= passFrom ? SENTENCE : LOOP });
    expect(await withFallback(WHISPER_TEMPERATURES, decodeAt(0.6))).toEqual({ text: SENTENCE, temperature: 0.6 });
    expect(tried).toEqual([0, 0.2, 0.4, 0.6]);
    tried.length = 0;
    expect(await withFallback(WHISPER_TEMPERATURES, decodeAt(2))).toEqual({ text: LOOP, temperature: 1 });
    expect(tried).toEqual([...WHISPER_TEMPERATURES]);
    tried.length = 0;
    expect(await withFallback([0], decodeAt(2))).toEqual({ text: LOOP, temperature: 0 });
    expect(tried).toEqual([0]);
  });
});

describe('decoding options as the task schema checks them (pure)', () => {
  const parse = (options: object) => asrCallOptions.safeParse(options);

  it("temperature: a number, a rising list, the command line's text or 'fallback', always a ladder once checked", () => {
    expect(parse({ temperature: 0.3 }).data?.temperature).toEqual([0.3]);
    expect(parse({ temperature: [0, 0.5, 1] }).data?.temperature).toEqual([0, 0.5, 1]);
    expect(parse({ temperature: '0, 0.4,0.8' }).data?.temperature).toEqual([0, 0.4, 0.8]);
    expect(parse({ temperature: 'fallback' }).data?.temperature).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(parse({}).data?.temperature).toBeUndefined();
  });

  it('refuses temperatures outside 0..1, falling lists, text that is no number, and ladders over 11 steps', () => {
    for (const temperature of [1.5, -0.1, [0.5, 0.2], [0.2, 0.2], '1.5', 'hot', '0,,x', '', Array.from({ length: 12 }, (_, i) => i / 12)]) {
      const checked = parse({ temperature });
      expect(checked.success, JSON.stringify(temperature)).toBe(false);
      expect(checked.error?.issues[0]?.path).toEqual(['temperature']);
    }
  });

  it('beams is an integer 1..16, prompt at most 2,000 characters, language at most 40', () => {
    expect(parse({ beams: 1 }).success).toBe(true);
    expect(parse({ beams: 16 }).success).toBe(true);
    for (const beams of [0, 17, 2.5]) expect(parse({ beams }).success).toBe(false);
    expect(parse({ prompt: 'x'.repeat(2000) }).success).toBe(true);
    expect(parse({ prompt: 'x'.repeat(2001) }).success).toBe(false);
    expect(parse({ prompt: '' }).success).toBe(false);
    expect(parse({ language: 'auto' }).success).toBe(true);
    expect(parse({ language: 'x'.repeat(41) }).success).toBe(false);
  });
});
