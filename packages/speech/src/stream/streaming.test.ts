import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError, openOnnxSessions } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { readAudio, SAMPLE_RATE } from '../audio/read-audio.js';
import { resample } from '../audio/resample.js';
import { concatSamples } from '../audio/samples.js';
import { encodeWav } from '../audio/wav.js';
import { joinRecordings } from '../digits/fsdd.js';
import { pipeline, type SpeechRecognitionPipeline } from '../index.js';
import type { TranscriptChunk } from '../transcribe/transcribe.js';
import { createStreamingTranscriber, type LiveResult, type StreamingTranscriber } from './streaming.js';
import { decodeWavStream } from './wav-stream.js';

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
// Four speakers, 0.5 s of silence between the words.
const TAKES = ['5_theo_1', '9_nicolas_0', '4_jackson_4', '8_lucas_2'];
const WORDS = ['five', 'nine', 'four', 'eight'];

/** Pushes `audio` in chunks of the given sizes (cycled), then ends the stream. */
function pushAll(stream: StreamingTranscriber, audio: Float32Array, sizes: readonly number[]): void {
  for (let at = 0, i = 0; at < audio.length; i++) {
    const size = sizes[i % sizes.length]!;
    stream.push(audio.subarray(at, at + size));
    at += size;
  }
  stream.end();
}

async function collect(stream: AsyncIterable<TranscriptChunk>): Promise<TranscriptChunk[]> {
  const out: TranscriptChunk[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

const codeOf = (error: unknown) => (isDlError(error) ? `${error.code}${error.parameter ? `:${error.parameter}` : ''}` : String(error));

describe.skipIf(!FSDD_SET)('createStreamingTranscriber (speech-digits on FSDD, Silero VAD)', () => {
  let audio: Float32Array;
  let whole: TranscriptChunk[];
  let file: SpeechRecognitionPipeline;
  beforeAll(async () => {
    audio = (await joinRecordings(FSDD, TAKES, 0.5)).audio;
    file = await pipeline('automatic-speech-recognition', 'speech-digits');
    whole = (await file(audio)).chunks;
  });
  afterAll(() => file.dispose());

  it('20 ms chunks and odd sizes (1, 317, 4099 samples) give exactly the words and times of transcribing the whole file', async () => {
    expect(whole.map((c) => c.text)).toEqual(WORDS);
    for (const sizes of [[320], [1, 317, 4099]]) {
      const stream = await createStreamingTranscriber();
      try {
        pushAll(stream, audio, sizes);
        expect(await collect(stream)).toEqual(whole);
      } finally {
        await stream.dispose();
      }
    }
  });

  it('each word is final as its segment closes: the first arrives before the rest of the audio is pushed', async () => {
    const stream = await createStreamingTranscriber();
    try {
      const reader = stream[Symbol.asyncIterator]();
      // The first word and the silence after it, no more: its segment closes within that silence.
      const cut = Math.round((whole[0]!.timestamp[1] + 0.3) * SAMPLE_RATE);
      for (let at = 0; at < cut; at += 320) stream.push(audio.subarray(at, Math.min(at + 320, cut)));
      const first = await reader.next();
      expect(first.value).toEqual(whole[0]);
      pushAll(stream, audio.subarray(cut), [320]);
      const rest: TranscriptChunk[] = [];
      for (let r = await reader.next(); !r.done; r = await reader.next()) rest.push(r.value);
      expect(rest).toEqual(whole.slice(1));
    } finally {
      await stream.dispose();
    }
  });

  it('a stream cut off in the last word gives, at end(), a final chunk for what was heard of that word', async () => {
    const last = whole.at(-1)!;
    // Three quarters in: long enough to be speech (at least 150 ms), still short of the word's end.
    const cut = last.timestamp[0] + 0.75 * (last.timestamp[1] - last.timestamp[0]);
    const stream = await createStreamingTranscriber();
    try {
      pushAll(stream, audio.subarray(0, Math.round(cut * SAMPLE_RATE)), [320]);
      const chunks = await collect(stream);
      expect(chunks.slice(0, -1)).toEqual(whole.slice(0, -1));
      expect(chunks).toHaveLength(whole.length);
      expect(chunks.at(-1)!.timestamp[0]).toBeCloseTo(last.timestamp[0], 1);
      expect(chunks.at(-1)!.timestamp[1]).toBeLessThanOrEqual(cut + 0.001);
      expect(chunks.at(-1)!.score).toEqual(expect.any(Number));
    } finally {
      await stream.dispose();
    }
  });

  it('garbage ends the stream with a typed error (NaN: INPUT_UNREADABLE, not a Float32Array: INVALID_ARGUMENT chunk), after the words heard before it', async () => {
    const heard = Math.round((whole[1]!.timestamp[1] + 0.3) * SAMPLE_RATE);
    const garbage: Array<[unknown, string]> = [
      [Float32Array.of(0.1, Number.NaN), 'INPUT_UNREADABLE'],
      [new Float64Array(320), 'INVALID_ARGUMENT:chunk'],
      ['0.1, 0.2', 'INVALID_ARGUMENT:chunk'],
    ];
    for (const [bad, code] of garbage) {
      const stream = await createStreamingTranscriber();
      try {
        for (let at = 0; at < heard; at += 320) stream.push(audio.subarray(at, Math.min(at + 320, heard)));
        let thrown: unknown;
        try {
          stream.push(bad as Float32Array);
        } catch (error) {
          thrown = error;
        }
        expect(codeOf(thrown)).toBe(code);
        if (code === 'INPUT_UNREADABLE') expect((thrown as Error).message).toContain(`sample ${heard + 1} is NaN`);
        const words: string[] = [];
        const read = await (async () => {
          for await (const c of stream) words.push(c.text);
        })().catch((error: unknown) => error);
        expect(words).toEqual(WORDS.slice(0, 2));
        expect(read).toBe(thrown);
        expect(() => stream.push(new Float32Array(320))).toThrow(thrown as Error);
      } finally {
        await stream.dispose();
      }
    }
  });

  it('partials: results() gives a partial reading (final: false) of a word still being said, then the finals of the whole file, no partial of a word already final', async () => {
    const stream = await createStreamingTranscriber({ partials: true });
    try {
      const reader = stream.results()[Symbol.asyncIterator]();
      // Three quarters into the first word: its segment is still open, so what comes first is a partial.
      const first = whole[0]!;
      const cut = Math.round((first.timestamp[0] + 0.75 * (first.timestamp[1] - first.timestamp[0])) * SAMPLE_RATE);
      for (let at = 0; at < cut; at += 320) stream.push(audio.subarray(at, Math.min(at + 320, cut)));
      const partial = (await reader.next()).value as LiveResult;
      expect(partial.final).toBe(false);
      expect(partial.timestamp[0]).toBeCloseTo(first.timestamp[0], 1);
      expect(partial.timestamp[1]).toBeLessThanOrEqual(cut / SAMPLE_RATE + 0.001);
      // The rest at about 4x real time, as a socket or a microphone gives it: readings have time to run.
      const results: LiveResult[] = [partial];
      const feeding = (async () => {
        for (let at = cut; at < audio.length; at += 320) {
          stream.push(audio.subarray(at, at + 320));
          if (at % 1280 === 0) await new Promise((r) => setTimeout(r, 5));
        }
        stream.end();
      })();
      for (let r = await reader.next(); !r.done; r = await reader.next()) results.push(r.value);
      await feeding;
      expect(results.filter((r) => r.final).map(({ final, ...chunk }) => chunk)).toEqual(whole);
      let lastFinalEnd = 0;
      for (const r of results) {
        if (r.final) lastFinalEnd = r.timestamp[1];
        else expect(r.timestamp[0]).toBeGreaterThanOrEqual(lastFinalEnd - 0.001);
      }
    } finally {
      await stream.dispose();
    }
  });

  it('maxSeconds: the push that crosses it is INPUT_TOO_LARGE (hint maxSeconds), after final chunks for the audio up to the limit, the word cut there included', async () => {
    const third = whole[2]!;
    const limit = third.timestamp[0] + 0.75 * (third.timestamp[1] - third.timestamp[0]);
    const stream = await createStreamingTranscriber({ maxSeconds: limit });
    try {
      let thrown: unknown;
      try {
        pushAll(stream, audio, [320]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'INPUT_TOO_LARGE', hint: { kind: 'raise-option', option: 'maxSeconds' } });
      const chunks: TranscriptChunk[] = [];
      const read = await (async () => {
        for await (const c of stream) chunks.push(c);
      })().catch((error: unknown) => error);
      expect(read).toBe(thrown);
      expect(chunks.slice(0, 2)).toEqual(whole.slice(0, 2));
      expect(chunks).toHaveLength(3);
      expect(chunks[2]!.timestamp[1]).toBeLessThanOrEqual(limit + 0.001);
    } finally {
      await stream.dispose();
    }
  });

  it('idleSeconds: a source that stalls mid-word gives final chunks for what was heard, that word included, then INPUT_UNREADABLE (hint idleSeconds)', async () => {
    const third = whole[2]!;
    const cut = Math.round((third.timestamp[0] + 0.75 * (third.timestamp[1] - third.timestamp[0])) * SAMPLE_RATE);
    const stream = await createStreamingTranscriber({ idleSeconds: 0.5 });
    try {
      for (let at = 0; at < cut; at += 320) stream.push(audio.subarray(at, Math.min(at + 320, cut)));
      const chunks: TranscriptChunk[] = [];
      const read = await (async () => {
        for await (const c of stream) chunks.push(c);
      })().catch((error: unknown) => error);
      expect(read).toMatchObject({ code: 'INPUT_UNREADABLE', hint: { kind: 'raise-option', option: 'idleSeconds' } });
      expect(chunks.slice(0, 2)).toEqual(whole.slice(0, 2));
      expect(chunks).toHaveLength(3);
      expect(chunks[2]!.timestamp[0]).toBeCloseTo(third.timestamp[0], 1);
      expect(() => stream.push(new Float32Array(320))).toThrow(read as Error);
    } finally {
      await stream.dispose();
    }
  });

  it('idleSeconds: a source that keeps sending empty chunks has stalled too (INPUT_UNREADABLE), after the words it did send', async () => {
    const stream = await createStreamingTranscriber({ idleSeconds: 0.5 });
    const pushing = setInterval(() => {
      try {
        stream.push(new Float32Array(0));
      } catch {
        clearInterval(pushing);
      }
    }, 100);
    try {
      const firstWord = Math.round(whole[0]!.timestamp[1] * SAMPLE_RATE) + 8000;
      for (let at = 0; at < firstWord; at += 320) stream.push(audio.subarray(at, Math.min(at + 320, firstWord)));
      const chunks: TranscriptChunk[] = [];
      const read = await (async () => {
        for await (const c of stream) chunks.push(c);
      })().catch((error: unknown) => error);
      expect(read).toMatchObject({ code: 'INPUT_UNREADABLE' });
      expect(chunks[0]).toEqual(whole[0]);
    } finally {
      clearInterval(pushing);
      await stream.dispose();
    }
  });

  it('push() after end() is INVALID_ARGUMENT, after dispose() DISPOSED; dispose() releases the VAD session', async () => {
    const sessions = openOnnxSessions();
    const stream = await createStreamingTranscriber();
    expect(openOnnxSessions()).toBe(sessions + 1);
    stream.end();
    expect(() => stream.push(new Float32Array(320))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', parameter: 'chunk' }));
    await stream.dispose();
    await stream.dispose();
    expect(openOnnxSessions()).toBe(sessions);
    expect(() => stream.push(new Float32Array(320))).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });
});

describe('createStreamingTranscriber options', () => {
  it('an unknown option names itself; dtype with speech-digits, a bad maxSeconds or idleSeconds are INVALID_ARGUMENT naming them', async () => {
    await expect(createStreamingTranscriber({ language: 'en' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'language' });
    await expect(createStreamingTranscriber({ dtype: 'q8' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'dtype' });
    await expect(createStreamingTranscriber({ maxSeconds: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'maxSeconds' });
    await expect(createStreamingTranscriber({ idleSeconds: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'idleSeconds' });
  });
});

// scripts/make-tiny-whisper.py: the fixture writes one "speech" per window it is given and recognises nothing.
describe.skipIf(!FSDD_SET)('createStreamingTranscriber on Whisper (tiny hand-set fixture: wiring only, no real words)', () => {
  const fixture = fileURLToPath(new URL('../transcribe/fixtures/tiny-whisper', import.meta.url));
  const silence = (seconds: number) => new Float32Array(Math.round(seconds * SAMPLE_RATE));

  let audio: Float32Array;
  let stretch: [number, number];
  let firstWord: number;
  beforeAll(async () => {
    const names = ['0_george_0', '1_jackson_0', '2_lucas_0', '3_nicolas_0', '4_theo_0', '5_george_2', '6_george_1', '7_jackson_1', '8_lucas_1', '9_nicolas_1'];
    const apart = await joinRecordings(FSDD, names.slice(0, 2), 8);
    const { audio: words, times } = await joinRecordings(FSDD, Array.from({ length: 110 }, (_, i) => names[i % names.length]!), 0.12);
    audio = concatSamples(apart.audio, silence(3), words, silence(2));
    const at = (apart.audio.length + silence(3).length) / SAMPLE_RATE;
    stretch = [at + times[0]![0], at + times.at(-1)![1]];
    firstWord = apart.times[0]![0];
  });

  it('wiring: live, in 20 ms chunks, gives the chunks of the whole file (words 8 s apart in one window, then 45 s of speech cut at 30 s)', async () => {
    const file = await pipeline('automatic-speech-recognition', fixture);
    const whole = (await file(audio)).chunks;
    await file.dispose();
    expect(whole.length).toBeGreaterThanOrEqual(3);
    const stream = await createStreamingTranscriber({ model: fixture });
    try {
      pushAll(stream, audio, [320]);
      expect(await collect(stream)).toEqual(whole);
    } finally {
      await stream.dispose();
    }
  });

  it('wiring: with partials on, the first window still open (10 s into a stretch of speech, under 30 s of speech in all) gives a partial (final: false) of the speech heard', async () => {
    const stream = await createStreamingTranscriber({ model: fixture, partials: true });
    try {
      const upTo = Math.round((stretch[0] + 10) * SAMPLE_RATE);
      for (let at = 0; at < upTo; at += 320) stream.push(audio.subarray(at, Math.min(at + 320, upTo)));
      const reader = stream.results()[Symbol.asyncIterator]();
      // Pauses do not close a window (it is packed up to 30 s of speech): the first result is a partial of it.
      const first = await reader.next();
      expect(first.value).toMatchObject({ final: false, text: 'speech' });
      expect(first.value!.timestamp[0]).toBeGreaterThanOrEqual(firstWord - 0.2);
      expect(first.value!.timestamp[1]).toBeLessThanOrEqual(upTo / SAMPLE_RATE + 0.001);
      stream.end();
      for (let r = await reader.next(); !r.done; r = await reader.next());
    } finally {
      await stream.dispose();
    }
  });
});

describe.skipIf(!FSDD_SET)('decodeWavStream', () => {
  async function* pieces(bytes: Buffer, size: number) {
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  }

  it('a WAV of unknown length (data size 0xFFFFFFFF, as ffmpeg writes to a pipe), 8 kHz stereo, in 7-byte pieces decodes as the whole file does', async () => {
    const clip = await readAudio(join(FSDD, `${TAKES[0]}.wav`));
    const left = resample(clip, SAMPLE_RATE, 8000);
    const stereo = new Float32Array(left.length * 2).map((_, i) => left[i >> 1]! * (i % 2 ? 0.5 : 1));
    const wav = encodeWav(stereo, { sampleRate: 8000, channels: 2 });
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0xffffffff, 4);
    streamed.writeUInt32LE(0xffffffff, 40);
    const chunks: Float32Array[] = [];
    for await (const c of decodeWavStream(pieces(streamed, 7))) chunks.push(c);
    const expected = await readAudio(wav);
    const got = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
    chunks.reduce((at, c) => (got.set(c, at), at + c.length), 0);
    expect(got.length).toBe(expected.length);
    expect(Math.max(...got.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThan(1e-6);
  });

  it('bytes that are not a WAV are INPUT_UNREADABLE', async () => {
    const read = async () => {
      for await (const _ of decodeWavStream(pieces(Buffer.from('ID3 this is an mp3, not a WAV file'), 5)));
    };
    await expect(read()).rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
  });
});
