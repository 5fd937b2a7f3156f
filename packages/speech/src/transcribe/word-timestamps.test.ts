import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isDlError } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { readAudio, SAMPLE_RATE } from '../audio/read-audio.js';
import { encodeWav } from '../audio/wav.js';
import { joinRecordings } from '../digits/fsdd.js';
import { pipeline } from '../index.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const FIXTURE = fileURLToPath(new URL('./fixtures/tiny-whisper', import.meta.url));
// The fixture's decoder with a cross-attention output added (scripts/make-tiny-whisper-attentions.py).
const ATTENTION_DECODER = fileURLToPath(new URL('./fixtures/tiny-whisper-attentions/decoder_model_merged.onnx', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dl-words-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the tiny fixture with `alignment_heads` in its generation config, and optionally the attention decoder. */
function fixtureCopy(name: string, attentionDecoder: boolean): string {
  const copy = join(dir, name);
  cpSync(FIXTURE, copy, { recursive: true });
  const config = JSON.parse(readFileSync(join(copy, 'generation_config.json'), 'utf8'));
  writeFileSync(join(copy, 'generation_config.json'), JSON.stringify({ ...config, alignment_heads: [[0, 0]] }));
  if (attentionDecoder) cpSync(ATTENTION_DECODER, join(copy, 'onnx', 'decoder_model_merged.onnx'));
  return copy;
}

async function refusal(model: string): Promise<unknown> {
  const transcriber = await pipeline('automatic-speech-recognition', model);
  let progress = 0;
  try {
    // A file that is not there: refused before it is read, so INPUT_NOT_FOUND would mean the check came too late.
    await transcriber(join(dir, 'absent.wav'), { timestamps: 'word', onProgress: () => progress++ });
  } catch (error) {
    expect(progress).toBe(0);
    return error;
  } finally {
    await transcriber.dispose();
  }
  return undefined;
}

describe("timestamps: 'word' with Whisper through transformers.js (tiny hand-set fixture, wiring only)", () => {
  it('the fixture has no alignment_heads: INVALID_ARGUMENT naming timestamps, before any audio is read (wiring)', async () => {
    const error = await refusal(FIXTURE);
    expect(isDlError(error, 'INVALID_ARGUMENT') && error.parameter).toBe('timestamps');
    expect((error as Error).message).toMatch(/no alignment_heads; 'segment' timestamps work$/);
  });

  it('alignment_heads but a decoder without cross-attention outputs (as most exports): refused too, saying so (wiring)', async () => {
    const error = await refusal(fixtureCopy('heads-only', false));
    expect(isDlError(error, 'INVALID_ARGUMENT') && error.parameter).toBe('timestamps');
    expect((error as Error).message).toMatch(/decoder does not output cross attentions/);
  });

  it.skipIf(!FSDD_SET || !existsSync(ATTENTION_DECODER))("alignment_heads and cross attentions: 'word' reaches the decoder and word chunks come back in recording time (wiring)", async () => {
    const transcriber = await pipeline('automatic-speech-recognition', fixtureCopy('words', true));
    try {
      const digit = await readAudio(join(FSDD, '3_jackson_0.wav'));
      const audio = new Float32Array(6 * SAMPLE_RATE);
      audio.set(digit, 2 * SAMPLE_RATE);
      const wav = encodeWav(audio, { sampleRate: SAMPLE_RATE });
      const words = await transcriber(wav, { timestamps: 'word' });
      // The fixture writes one token, "speech", over the loud frames: as a word it is one chunk inside the recording.
      expect(words.text).toBe('speech');
      expect(words.chunks).toHaveLength(1);
      const [start, end] = words.chunks[0]!.timestamp;
      // The digit starts at 2 s (the window at 1.9 s, with the VAD's padding). Every token of the fixture attends
      // alike, so the time warping gives the word no length: this checks where times land, not how well.
      expect(start).toBeGreaterThanOrEqual(1.5);
      expect(end).toBeGreaterThanOrEqual(start);
      expect(end).toBeLessThanOrEqual(6);
      // Segment timestamps (the fixture's timestamp tokens around the loud frames) differ: the times above came
      // from the word-timing path, so 'word' reached the decoder.
      const [segmentStart, segmentEnd] = (await transcriber(wav)).chunks[0]!.timestamp;
      expect(segmentEnd - segmentStart).toBeGreaterThan(0.2);
      expect([segmentStart, segmentEnd]).not.toEqual([start, end]);
    } finally {
      await transcriber.dispose();
    }
  });
});

describe.skipIf(!FSDD_SET)("timestamps: 'word' with the embedded speech-digits model", () => {
  it('is honoured as is: its chunks are one word each, the same as segment timestamps', async () => {
    const { audio } = await joinRecordings(FSDD, ['6_theo_1', '2_nicolas_0'], 0.5);
    const wav = encodeWav(audio, { sampleRate: SAMPLE_RATE });
    const transcriber = await pipeline('automatic-speech-recognition', 'speech-digits');
    try {
      const words = await transcriber(wav, { timestamps: 'word' });
      expect(words.text).toBe('six two');
      expect(words.chunks.map((c) => c.text)).toEqual(['six', 'two']);
      expect(await transcriber(wav, { timestamps: 'segment' })).toEqual(words);
    } finally {
      await transcriber.dispose();
    }
  });
});
