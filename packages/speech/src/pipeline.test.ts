import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { isDlError } from '@dlkit/core';
import { pipeline, readAudio, SAMPLE_RATE, TASKS, type SpeechRecognitionPipeline, type SpeechSegment, type Transcript } from './index.js';
import { loadDigitRecognizer, loadSileroVad } from './training.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const take = (name: string) => join(FSDD, name);
const TINY_WHISPER = fileURLToPath(new URL('./transcribe/fixtures/tiny-whisper', import.meta.url));

describe.skipIf(!FSDD_SET)("pipeline('automatic-speech-recognition', 'speech-digits') on real FSDD recordings", () => {
  let asr: SpeechRecognitionPipeline;
  beforeAll(async () => {
    asr = await pipeline('automatic-speech-recognition', 'speech-digits');
  });
  afterAll(() => asr.dispose());

  it('one file: {text, chunks}, each chunk with its time and score', async () => {
    const transcript: Transcript = await asr(take('3_theo_0.wav'));
    expect(transcript.text).toBe('three');
    expect(transcript.chunks).toHaveLength(1);
    const [chunk] = transcript.chunks;
    expect(chunk).toMatchObject({ text: 'three', score: expect.any(Number) });
    expect(chunk!.score).toBeGreaterThan(0.5);
    expect(chunk!.timestamp[1]).toBeGreaterThan(chunk!.timestamp[0]);
    expect([asr.task, asr.model, typeof asr.device]).toEqual(['automatic-speech-recognition', 'speech-digits', 'string']);
  });

  it('an array: an array of transcripts in the same order; decoded 16 kHz samples are an input too', async () => {
    const samples = await readAudio(take('0_george_2.wav'));
    const transcripts = await asr([take('8_lucas_1.wav'), samples, take('4_george_0.wav')]);
    expect(transcripts.map((t) => t.text)).toEqual(['eight', 'zero', 'four']);
  });

  it('each(): a missing file fails alone with INPUT_NOT_FOUND, the others are answered', async () => {
    const results = await asr.each([take('5_theo_2.wav'), join(FSDD, 'no-such-take.wav'), take('9_nicolas_3.wav')]);
    expect(results[0]).toMatchObject({ ok: true, value: { text: 'five' } });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'INPUT_NOT_FOUND' } });
    expect(isDlError(results[1]!.ok ? undefined : results[1]!.error)).toBe(true);
    expect(results[2]).toMatchObject({ ok: true, value: { text: 'nine' } });
  });

  it("language and task are refused for speech-digits: INVALID_ARGUMENT naming the parameter, not ignored", async () => {
    await expect(asr(take('3_theo_0.wav'), { language: 'fr' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'language' });
    await expect(asr(take('3_theo_0.wav'), { task: 'translate' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'task' });
  });

  it('options are checked by the schema: a wrong type, an unknown key, a bad task value each name the parameter', async () => {
    await expect(asr(take('3_theo_0.wav'), { maxSeconds: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'maxSeconds' });
    await expect(asr(take('3_theo_0.wav'), { topK: 3 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'topK' });
    await expect(asr(take('3_theo_0.wav'), { task: 'summarize' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'task' });
    await expect(pipeline('transcribe', 'speech-digits', { maxSeconds: 'long' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'maxSeconds' });
  });

  it('a model of another task is INVALID_ARGUMENT naming the model (was MODEL_INVALID)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dl-speech-other-task-'));
    try {
      cpSync(fileURLToPath(new URL('../models/speech-digits', import.meta.url)), folder, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(folder, 'dlkit.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(folder, 'dlkit.json'), JSON.stringify({ ...manifest, name: 'not-speech', task: 'image-classification' }));
      await expect(pipeline('automatic-speech-recognition', folder)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'model', message: expect.stringContaining('image-classification') });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('audio over maxSeconds is INPUT_TOO_LARGE with a raise-option hint, and a message that names no remedy', async () => {
    const error = await asr(take('3_theo_0.wav'), { maxSeconds: 0.1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INPUT_TOO_LARGE', hint: { kind: 'raise-option', option: 'maxSeconds' } });
    expect((error as Error).message).not.toMatch(/raise/);
  });
});

describe.skipIf(!FSDD_SET)('inputs a library reads only when its caller allows it', () => {
  it('a URL is refused by default (no request made) and read with allowUrls (+ allowPrivateHosts for this local server)', async () => {
    let requests = 0;
    const server = createServer((_, response) => {
      requests++;
      response.end(readFileSync(take('3_theo_0.wav')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/three.wav`;
    const strict = await pipeline('transcribe', 'speech-digits');
    const open = await pipeline('transcribe', 'speech-digits', { allowUrls: true, allowPrivateHosts: true });
    try {
      await expect(strict(url)).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED', hint: { kind: 'use-option', option: 'allowUrls' } });
      expect(requests).toBe(0);
      expect(await open(url)).toMatchObject({ text: 'three' });
      expect(requests).toBe(1);
    } finally {
      await Promise.all([strict.dispose(), open.dispose(), new Promise((resolve) => server.close(resolve))]);
    }
  });
});

describe.skipIf(!FSDD_SET)('dispose', () => {
  it('a pipeline disposed twice is fine, and a call after it is DISPOSED (the old transcriber threw a raw tfjs error)', async () => {
    const asr = await pipeline('transcribe', 'speech-digits');
    await asr.dispose();
    await expect(asr.dispose()).resolves.toBeUndefined();
    await expect(asr(take('3_theo_0.wav'))).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('the digits recogniser and the VAD below the pipeline: dispose twice is fine, use after it is DISPOSED', async () => {
    const recognizer = await loadDigitRecognizer({ kind: 'embedded', name: 'speech-digits' });
    recognizer.dispose();
    expect(() => recognizer.dispose()).not.toThrow(); // was: Container 'sequential_1' is already disposed.
    expect(() => recognizer.recognize([new Float32Array(SAMPLE_RATE)])).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    const vad = await loadSileroVad();
    await vad.dispose();
    await expect(vad.dispose()).resolves.toBeUndefined();
    await expect(vad.trim(new Float32Array(SAMPLE_RATE))).rejects.toMatchObject({ code: 'DISPOSED' }); // was INVALID_ARGUMENT
  });
});

describe.skipIf(!FSDD_SET)("pipeline('vad')", () => {
  it('the speech segments of a real recording, in seconds; none in silence; VAD disposed twice is fine', async () => {
    const vad = await pipeline('vad');
    expect([vad.task, vad.model]).toEqual(['voice-activity-detection', 'silero']);
    try {
      // By its alias the pipeline is the generic one (its output `unknown`); by its task name it is typed.
      const [word, silence] = (await vad([take('7_theo_0.wav'), new Float32Array(2 * SAMPLE_RATE)])) as SpeechSegment[][];
      const seconds = (await readAudio(take('7_theo_0.wav'))).length / SAMPLE_RATE;
      expect(word).toHaveLength(1);
      expect(word![0]!.start).toBeGreaterThanOrEqual(0);
      expect(word![0]!.end).toBeGreaterThan(word![0]!.start + 0.15);
      expect(word![0]!.end).toBeLessThanOrEqual(seconds + 0.001);
      expect(silence).toEqual([]);
      await expect(vad(take('7_theo_0.wav'), { threshold: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'threshold' });
    } finally {
      await vad.dispose();
      await vad.dispose();
    }
  });

  it('a model other than Silero is INVALID_ARGUMENT naming the model', async () => {
    await expect(pipeline('voice-activity-detection', 'speech-digits')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'model' });
  });
});

describe.skipIf(!FSDD_SET)('Whisper, the default model', () => {
  const saved = { ...process.env };
  const cache = mkdtempSync(join(tmpdir(), 'dl-speech-cache-'));
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('is the table default, and offline without it cached is MODEL_OFFLINE with a pull-model hint; the message names no CLI flag or command', async () => {
    expect(TASKS.find((t) => t.task === 'automatic-speech-recognition')!.defaultModel).toBe('onnx-community/whisper-tiny.en');
    process.env.DL_OFFLINE = '1';
    process.env.DL_CACHE = cache;
    const error = await pipeline('automatic-speech-recognition').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'MODEL_OFFLINE',
      hint: { kind: 'pull-model', model: 'onnx-community/whisper-tiny.en', task: 'automatic-speech-recognition', alternatives: ['speech-digits'] },
    });
    const { message } = error as Error;
    expect(message).toContain("'speech-digits'"); // the model that works offline, by its library name
    expect(message).not.toMatch(/--|\bdl /); // was: run `dl models pull ...`, use --model speech-digits
  });

  it('an error inside a Whisper run is MODEL_RUNTIME naming the model, not a raw Error (tiny hand-set fixture, wiring only)', async () => {
    // A copy that says it is multilingual but lists no task tokens: transformers.js fails building the decoder's
    // prefix, inside the run (a language for an English-only model is refused before it, INVALID_ARGUMENT).
    const broken = join(cache, 'broken-whisper');
    cpSync(TINY_WHISPER, broken, { recursive: true });
    const config = JSON.parse(readFileSync(join(broken, 'generation_config.json'), 'utf8'));
    writeFileSync(join(broken, 'generation_config.json'), JSON.stringify({ ...config, is_multilingual: true, lang_to_id: { '<|en|>': 3 } }));
    const asr = await pipeline('automatic-speech-recognition', broken);
    try {
      await expect(asr(take('3_jackson_0.wav'))).rejects.toMatchObject({ code: 'MODEL_RUNTIME', message: expect.stringContaining(broken) });
    } finally {
      await asr.dispose();
      await asr.dispose();
    }
  });
});

describe('dtype and device load options (hub models only)', () => {
  const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable('expected a rejection'), (e: Error & { parameter?: string }) => e);

  it('speech-digits refuses dtype and a device but cpu, the schema a bad dtype; a Whisper folder loads fp32 and is MODEL_INVALID without q8 weights', async () => {
    for (const [options, parameter] of [[{ dtype: 'q8' }, 'dtype'], [{ device: 'cuda' }, 'device'], [{ dtype: 'q7' }, 'dtype']] as const) {
      const error = await failure(pipeline('automatic-speech-recognition', 'speech-digits', options as never));
      expect(isDlError(error, 'INVALID_ARGUMENT') && error.parameter, JSON.stringify(options)).toBe(parameter);
    }
    const asr = await pipeline('automatic-speech-recognition', TINY_WHISPER, { dtype: 'fp32', device: 'cpu' });
    // The device the ONNX sessions were opened on, as transformers.js recorded it.
    expect(asr.device).toBe('cpu');
    await asr.dispose();
    const missing = await failure(pipeline('automatic-speech-recognition', TINY_WHISPER, { dtype: 'q8' }));
    expect(isDlError(missing, 'MODEL_INVALID')).toBe(true);
    expect(missing.message).toContain('_quantized.onnx');
  });
});
