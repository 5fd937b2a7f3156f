import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { readAudio, SAMPLE_RATE } from '../audio/read-audio.js';
import { concatSamples } from '../audio/samples.js';
import { encodeWav } from '../audio/wav.js';
import { joinRecordings, listFsdd } from '../digits/fsdd.js';
import { pipeline, type SpeechRecognitionPipeline } from '../index.js';

// Each generate() of the loaded Whisper model is one decoder run over one window (greedy, no fallback): counted
// by wrapping the model of what core's loader hands the transcriber.
const decoder = vi.hoisted(() => ({ calls: 0 }));
vi.mock('@dlkit/core', async (importOriginal) => {
  const core = await importOriginal<typeof import('@dlkit/core')>();
  return {
    ...core,
    async loadHubPipeline(...args: Parameters<typeof core.loadHubPipeline>) {
      const loaded = await core.loadHubPipeline(...args);
      const model = (loaded as unknown as { model: { generate: (...input: unknown[]) => Promise<unknown> } }).model;
      const generate = model.generate.bind(model);
      model.generate = (...input) => ((decoder.calls += 1), generate(...input));
      return loaded;
    },
  };
});

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const silence = (seconds: number) => new Float32Array(Math.round(seconds * SAMPLE_RATE));
const wav = (audio: Float32Array) => encodeWav(audio, { sampleRate: SAMPLE_RATE });

// scripts/make-tiny-whisper.py: the fixture writes one "speech" from the first to the last loud frame of each
// window it is given, and recognises nothing: these tests check the wiring of VAD, planner, decoder and times.
describe.skipIf(!FSDD_SET)('Whisper on VAD-gated windows (tiny hand-set fixture, wiring)', () => {
  let transcriber: SpeechRecognitionPipeline;
  let names: string[];
  beforeAll(async () => {
    transcriber = await pipeline('automatic-speech-recognition', fileURLToPath(new URL('./fixtures/tiny-whisper', import.meta.url)));
    names = (await listFsdd(FSDD)).filter((r) => r.take <= 4).map((r) => r.path.slice(FSDD.length + 1, -'.wav'.length));
  });
  afterAll(() => transcriber.dispose());
  beforeEach(() => {
    decoder.calls = 0;
  });

  it('wiring: 20 s of silence never reaches the decoder and gives no text; progress still reaches the end', async () => {
    const progress: number[] = [];
    expect(await transcriber(wav(silence(20)), { onProgress: (s) => progress.push(s) })).toEqual({ text: '', chunks: [] });
    expect(decoder.calls).toBe(0);
    expect(progress).toEqual([20]);
  });

  it('wiring: two words 14 s apart go in one window, its chunk starting in the first word and ending in the second', async () => {
    const [x, y] = await Promise.all([names[3]!, names[140]!].map((n) => readAudio(join(FSDD, `${n}.wav`))));
    const first = [6, 6 + x!.length / SAMPLE_RATE] as const;
    const second = [first[1] + 14, first[1] + 14 + y!.length / SAMPLE_RATE] as const;
    const { text, chunks } = await transcriber(wav(concatSamples(silence(6), x!, silence(14), y!, silence(6))));
    expect(decoder.calls).toBe(1);
    expect(text).toBe('speech');
    const [start, end] = chunks[0]!.timestamp;
    expect(start).toBeGreaterThanOrEqual(first[0] - 0.05);
    expect(start).toBeLessThan(first[1]);
    expect(end).toBeGreaterThan(second[0]);
    expect(end).toBeLessThanOrEqual(second[1] + 0.05);
  });

  it('wiring: 45 s of words without a long pause, silence around it: windows of at most 30 s, each chunk inside the speech, in order', async () => {
    const { audio: words, times } = await joinRecordings(FSDD, names.slice(0, 100), 0.12);
    const audio = concatSamples(silence(7), words, silence(9));
    const speech = [7 + times[0]![0], 7 + times.at(-1)![1]];
    const progress: number[] = [];
    const { text, chunks } = await transcriber(wav(audio), { onProgress: (s) => progress.push(s) });
    expect(speech[1]! - speech[0]!).toBeGreaterThan(40);
    expect(decoder.calls).toBe(chunks.length);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(text).toBe(chunks.map(() => 'speech').join(' '));
    chunks.forEach((c, i) => {
      expect(c.timestamp[0]).toBeGreaterThanOrEqual(speech[0]! - 0.05);
      expect(c.timestamp[1]).toBeLessThanOrEqual(speech[1]! + 0.05);
      expect(c.timestamp[1] - c.timestamp[0]).toBeLessThanOrEqual(30);
      if (i > 0) expect(c.timestamp[0]).toBeGreaterThanOrEqual(chunks[i - 1]!.timestamp[1]);
    });
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(progress.at(-1)).toBeCloseTo(audio.length / SAMPLE_RATE, 3);
  });

  it('wiring: maxSeconds and an aborted signal still stop a transcription, before the decoder runs', async () => {
    const audio = wav(silence(12));
    await expect(transcriber(audio, { maxSeconds: 5 })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
    await expect(transcriber(audio, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(decoder.calls).toBe(0);
  });
});
