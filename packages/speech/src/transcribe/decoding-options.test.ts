import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError, loadHubPipeline, parseModelReference, type HubPipeline, type HubReference } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { readAudio, SAMPLE_RATE } from '../audio/read-audio.js';
import { encodeWav } from '../audio/wav.js';
import { pipeline, type SpeechRecognitionPipeline } from '../index.js';
import { decoderPrefix, type WhisperParts } from './whisper-decoding.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const FIXTURE = fileURLToPath(new URL('./fixtures/tiny-whisper', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dl-decoding-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the tiny fixture with one of its JSON files changed. */
function fixtureCopy(name: string, file: string, change: (json: Record<string, any>) => void): string {
  const copy = join(dir, name);
  cpSync(FIXTURE, copy, { recursive: true });
  const json = JSON.parse(readFileSync(join(copy, file), 'utf8'));
  change(json);
  writeFileSync(join(copy, file), JSON.stringify(json));
  return copy;
}

// As a multilingual model's generation config says it (whisper-tiny's ids differ; the fixture's are its own).
const multilingual = () =>
  fixtureCopy('multilingual', 'generation_config.json', (config) => Object.assign(config, { is_multilingual: true, lang_to_id: { '<|en|>': 3 }, task_to_id: { translate: 4, transcribe: 5 } }));
// The fixture's one word spelled as a loop: every decode of it looks like whisper's repetition failure.
const LOOP_WORD = 'la'.repeat(100);
const looping = () =>
  fixtureCopy('looping', 'tokenizer.json', (tokenizer) => {
    const vocab = tokenizer.model.vocab as Record<string, number>;
    vocab[LOOP_WORD] = vocab.speech!;
    delete vocab.speech;
  });

/** The error a call with `options` is refused with, checked to come before any audio is read (the file is absent). */
async function refusal(transcriber: SpeechRecognitionPipeline, options: object): Promise<{ code?: string; parameter?: string; message: string }> {
  let progress = 0;
  const error = await transcriber(join(dir, 'absent.wav'), { ...options, onProgress: () => progress++ }).catch((e: unknown) => e);
  expect(progress).toBe(0);
  expect(isDlError(error, 'INPUT_NOT_FOUND'), `${JSON.stringify(options)} was not refused`).toBe(false);
  return error as { code?: string; parameter?: string; message: string };
}

/** One FSDD digit, 2 s into 6 s of silence: one window for the fixture, whose one "word" covers the digit. */
async function digitClip(): Promise<Buffer> {
  const digit = await readAudio(join(FSDD, '3_jackson_0.wav'));
  const audio = new Float32Array(6 * SAMPLE_RATE);
  audio.set(digit, 2 * SAMPLE_RATE);
  return encodeWav(audio, { sampleRate: SAMPLE_RATE });
}

describe('Whisper decoding options on the tiny hand-set fixture (wiring only: it recognises nothing)', () => {
  let english: SpeechRecognitionPipeline;
  beforeAll(async () => {
    english = await pipeline('automatic-speech-recognition', FIXTURE, { threads: 1 });
  });
  afterAll(() => english.dispose());

  it("an English-only model refuses language (even 'auto') and task before reading audio", async () => {
    for (const [options, parameter] of [
      [{ language: 'auto' }, 'language'],
      [{ language: 'french' }, 'language'],
      [{ task: 'translate' }, 'task'],
    ] as const) {
      expect(await refusal(english, options)).toMatchObject({ code: 'INVALID_ARGUMENT', parameter });
    }
    expect((await refusal(english, { language: 'auto' })).message).toMatch(/English-only/);
  });

  it.skipIf(!FSDD_SET)('threads, beams 1 and a temperature ladder: the fixture\'s text as without them, kept at the first temperature (wiring)', async () => {
    const clip = await digitClip();
    const plain = await english(clip);
    expect(plain.text).toBe('speech');
    const decoded = await english(clip, { beams: 1, temperature: 'fallback' });
    expect(decoded).toEqual(plain);
    expect(decoded.chunks.every((c) => c.temperature === undefined)).toBe(true);
    expect(await english(clip, { temperature: 0.5 })).toEqual(plain);
  });

  it.skipIf(!FSDD_SET)('a prompt goes before <|startoftranscript|> and its words never come back as transcript text (wiring)', async () => {
    const prompted = await english(await digitClip(), { prompt: 'speech speech speech' });
    // The fixture counts its steps from the start of the prefix, so a prompt moves it past its word: no text.
    expect(prompted.text).not.toMatch(/speech/);
  });
});

describe('the decoder prefix on the fixture tokenizer (real transformers.js parts)', () => {
  let loaded: HubPipeline;
  beforeAll(async () => {
    loaded = await loadHubPipeline('automatic-speech-recognition', parseModelReference(FIXTURE) as HubReference);
  });
  afterAll(() => loaded.dispose());

  it('is <|startoftranscript|> alone without a prompt; <|startofprev|>, the prompt and then it with one, the prompt cut to its last 31 tokens', () => {
    const parts = loaded as unknown as WhisperParts;
    // The fixture's ids: 7 <|startofprev|>, 1 "speech", 2 <|startoftranscript|>; its context is 64 tokens, half less one kept.
    expect(decoderPrefix(parts, undefined, {})).toEqual([2]);
    expect(decoderPrefix(parts, undefined, { prompt: '  speech ' })).toEqual([7, 1, 2]);
    expect(decoderPrefix(parts, undefined, { prompt: 'speech '.repeat(100) })).toEqual([7, ...Array(31).fill(1), 2]);
  });
});

describe.skipIf(!FSDD_SET)('language detection and temperature fallback on fixture copies (wiring only)', () => {
  it("language 'auto' on a multilingual copy: detected from the first window, given as the transcript's language; none without speech", async () => {
    const transcriber = await pipeline('automatic-speech-recognition', multilingual());
    try {
      const detected = await transcriber(await digitClip(), { language: 'auto' });
      expect(detected.language).toBe('en');
      const silence = encodeWav(new Float32Array(3 * SAMPLE_RATE), { sampleRate: SAMPLE_RATE });
      expect(await transcriber(silence, { language: 'auto' })).toEqual({ text: '', chunks: [] });
      // A named language is used as given, not reported back; one the model has no token for is refused.
      expect((await transcriber(await digitClip(), { language: 'english' })).language).toBeUndefined();
      expect(await refusal(transcriber, { language: 'klingon' })).toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'language' });
      expect(await refusal(transcriber, { language: 'fr' })).toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'language' });
    } finally {
      await transcriber.dispose();
    }
    // Multilingual but no language tokens listed: nothing to detect from.
    const unlisted = await pipeline('automatic-speech-recognition', fixtureCopy('unlisted', 'generation_config.json', (config) => Object.assign(config, { is_multilingual: true })));
    try {
      expect(await refusal(unlisted, { language: 'auto' })).toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'language', message: expect.stringMatching(/lang_to_id/) });
    } finally {
      await unlisted.dispose();
    }
  });

  it('a window whose text loops is decoded again up the ladder, its chunks saying the temperature kept; without a ladder it stands as decoded', async () => {
    const transcriber = await pipeline('automatic-speech-recognition', looping());
    try {
      const clip = await digitClip();
      const ladder = await transcriber(clip, { temperature: 'fallback' });
      expect(ladder.text).toBe(LOOP_WORD);
      // Every decode loops: the last temperature's stands, as openai-whisper keeps its last attempt.
      expect(ladder.chunks.map((c) => c.temperature)).toEqual([1]);
      const greedy = await transcriber(clip);
      expect(greedy.text).toBe(LOOP_WORD);
      expect(greedy.chunks[0]).not.toHaveProperty('temperature');
    } finally {
      await transcriber.dispose();
    }
  });
});

describe.skipIf(!FSDD_SET)('Whisper options with the embedded speech-digits model', () => {
  it('each is refused, naming it, before any audio is read; threads (dl batch gives every row it) is taken', async () => {
    const digits = await pipeline('automatic-speech-recognition', 'speech-digits', { threads: 2 });
    try {
      for (const options of [{ beams: 2 }, { temperature: 0 }, { prompt: 'four' }, { language: 'auto' }, { task: 'translate' as const }]) {
        const parameter = Object.keys(options)[0];
        expect(await refusal(digits, options)).toMatchObject({ code: 'INVALID_ARGUMENT', parameter });
      }
      expect((await digits(join(FSDD, '3_jackson_0.wav'))).text).toBe('three');
    } finally {
      await digits.dispose();
    }
  });
});
