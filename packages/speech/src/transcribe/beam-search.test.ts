import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadHubPipeline, openOnnxSessions, parseModelReference, type HubPipeline, type HubReference } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { readAudio, SAMPLE_RATE } from '../audio/read-audio.js';
import { encodeWav } from '../audio/wav.js';
import { pipeline } from '../index.js';
import { beamDecode, BeamSearch, topTokens, type Beam } from './beam-search.js';
import { decoderPrefix, type Tensor, type WhisperParts } from './whisper-decoding.js';

// Every transformers.js session the transcriber loads, to check that dispose() releases each (no session leak).
const loaded = vi.hoisted(() => ({ sessions: [] as Array<{ released: boolean }> }));
vi.mock('@dlkit/core', async (importOriginal) => {
  const core = await importOriginal<typeof import('@dlkit/core')>();
  return {
    ...core,
    async loadHubPipeline(...args: Parameters<typeof core.loadHubPipeline>) {
      const hub = await core.loadHubPipeline(...args);
      const sessions = (hub as unknown as { model: { sessions: Record<string, { release(): Promise<void> }> } }).model.sessions;
      for (const session of Object.values(sessions)) {
        const record = { released: false };
        const release = session.release.bind(session);
        session.release = () => ((record.released = true), release());
        loaded.sessions.push(record);
      }
      return hub;
    },
  };
});

const EOT = 0;
const ln = Math.log;

/** Runs the bookkeeping alone over a hand-set table: the log-probabilities of the next token after each token list. */
function search(size: number, table: (tokens: readonly number[]) => number[], longest = 10): { best: Beam; search: BeamSearch } {
  const beams = new BeamSearch(size, EOT);
  for (let step = 0; step < longest && !beams.done; step++) beams.step(beams.live.map((beam) => table(beam.tokens)));
  return { best: beams.best(), search: beams };
}

describe('beam search bookkeeping on hand-set log-probability tables (token 0 is <|endoftext|>)', () => {
  // Greedy takes 1 (0.6) and then only finds 3 (0.4); 2 (0.4) is followed by 3 and the end at 0.95 each.
  const trap = (tokens: readonly number[]): number[] => {
    const key = tokens.join(',');
    if (key === '') return [-Infinity, ln(0.6), ln(0.4), -Infinity];
    if (key === '1') return [ln(0.3), ln(0.3), -Infinity, ln(0.4)];
    if (key === '1,3') return [ln(0.9), ln(0.05), ln(0.05), -Infinity];
    if (key === '2') return [ln(0.05), -Infinity, -Infinity, ln(0.95)];
    return [ln(0.95), ln(0.025), ln(0.025), -Infinity];
  };

  it('beams 1 is greedy: the likeliest token at each step, so it falls into the trap', () => {
    expect(search(1, trap).best.tokens).toEqual([1, 3]);
  });

  it("beams 2 finds the sequence greedy misses (2 3: -1.02 in all, against greedy's 1 3: -1.54)", () => {
    const { best } = search(2, trap);
    expect(best.tokens).toEqual([2, 3]);
    expect(best.logprob).toBeCloseTo(ln(0.4) + ln(0.95) + ln(0.95), 10);
    expect(best.logprob).toBeGreaterThan(search(1, trap).best.logprob);
  });

  it('scores by summed log-prob over length (length_penalty None): a longer hypothesis with the better mean beats the better sum', () => {
    const beams = new BeamSearch(2, EOT);
    // 1 then the end: sum -1.2 over 1 token; 2 3 4 then the end: sum -1.5 over 3 tokens.
    beams.finished.push({ tokens: [1], logprob: -1.2 }, { tokens: [2, 3, 4], logprob: -1.5 });
    expect(beams.best().tokens).toEqual([2, 3, 4]);
  });

  it('at most `size` live, best first, each with the index of the beam it extends', () => {
    const beams = new BeamSearch(3, EOT);
    expect(beams.step([[-Infinity, ln(0.5), ln(0.3), ln(0.2)]])).toEqual([0, 0, 0]);
    expect(beams.live.map((b) => b.tokens)).toEqual([[1], [2], [3]]);
    // Every beam offers token 1 best; the next step keeps the three best of the nine candidates.
    const parents = beams.step([
      [-Infinity, ln(0.9), ln(0.05), ln(0.05)],
      [-Infinity, ln(0.9), ln(0.05), ln(0.05)],
      [-Infinity, ln(0.9), ln(0.05), ln(0.05)],
    ]);
    expect(beams.live.map((b) => b.tokens)).toEqual([[1, 1], [2, 1], [3, 1]]);
    expect(parents).toEqual([0, 1, 2]);
  });

  it('a token a rule forbids (-Infinity) is never a candidate: fewer live beams rather than impossible ones', () => {
    const beams = new BeamSearch(4, EOT);
    beams.step([[-Infinity, ln(0.5), ln(0.5), -Infinity]]);
    expect(beams.live).toHaveLength(2);
  });

  it('finishes once `size` hypotheses have ended; at the length limit the live ones are ranked with the finished', () => {
    const { search: done } = search(2, () => [ln(0.5), ln(0.5), -Infinity, -Infinity], 10);
    expect(done.done).toBe(true);
    expect(done.finished).toHaveLength(2);
    // Never ends by itself: after 3 steps no hypothesis has finished, and the best live one wins.
    const { best, search: cut } = search(2, () => [-Infinity, ln(0.7), ln(0.3), -Infinity], 3);
    expect(cut.finished).toHaveLength(0);
    expect(best.tokens).toEqual([1, 1, 1]);
  });

  it('topTokens: the largest entries best first, ties to the lower index as greedy argmax breaks them', () => {
    expect(topTokens([0.1, 0.5, 0.5, -Infinity, 0.9], 3)).toEqual([[4, 0.9], [1, 0.5], [2, 0.5]]);
    expect(topTokens([1, 2], 5)).toEqual([[1, 2], [0, 1]]);
  });
});

const FSDD_SET = testDataset('fsdd');
const FSDD = join(FSDD_SET ?? '', 'recordings');
const FIXTURE = fileURLToPath(new URL('./fixtures/tiny-whisper', import.meta.url));
// The fixture's decoders made to run a batch, as beam search runs its beams (scripts/make-tiny-whisper-batch.py).
const BATCH = fileURLToPath(new URL('./fixtures/tiny-whisper-batch/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dl-beams-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the tiny fixture with a batch decoder (with cross attentions if asked) and its generation config changed. */
function fixtureCopy(name: string, change: Record<string, unknown> = {}, attentions = false): string {
  const copy = join(dir, name);
  cpSync(FIXTURE, copy, { recursive: true });
  const config = JSON.parse(readFileSync(join(copy, 'generation_config.json'), 'utf8'));
  writeFileSync(join(copy, 'generation_config.json'), JSON.stringify({ ...config, ...change }));
  cpSync(join(BATCH, attentions ? 'decoder_attentions_merged.onnx' : 'decoder_model_merged.onnx'), join(copy, 'onnx', 'decoder_model_merged.onnx'));
  return copy;
}

/** One FSDD digit, 2 s into 6 s of silence: one window for the fixture, whose one "word" covers the digit. */
async function digitAudio(): Promise<Float32Array> {
  const audio = new Float32Array(6 * SAMPLE_RATE);
  audio.set(await readAudio(join(FSDD, '3_jackson_0.wav')), 2 * SAMPLE_RATE);
  return audio;
}

describe.skipIf(!FSDD_SET)('beam search over the tiny hand-set Whisper fixture (wiring only: it recognises nothing)', () => {
  let hub: HubPipeline;
  let parts: WhisperParts;
  let features: Tensor;
  beforeAll(async () => {
    hub = await loadHubPipeline('automatic-speech-recognition', parseModelReference(fixtureCopy('batch')) as HubReference);
    parts = hub as unknown as WhisperParts;
    features = (await parts.processor(await digitAudio())).input_features;
  });
  afterAll(() => hub.dispose());

  it("wiring: beams 1 gives exactly generate()'s greedy tokens; beams 4 a sequence whose summed log-prob is at least greedy's", async () => {
    const prefix = decoderPrefix(parts, undefined, {});
    const greedy = (await parts.model.generate({ inputs: features, decoder_input_ids: prefix, return_timestamps: true })) as Tensor;
    const greedyTokens = (greedy.tolist()[0] as bigint[]).slice(prefix.length);
    const one = await beamDecode(parts, features, { prefix, size: 1, word: false });
    expect(one.tokens).toEqual(greedyTokens);
    const four = await beamDecode(parts, features, { prefix, size: 4, word: false });
    expect(four.logprob).toBeGreaterThanOrEqual(one.logprob);
    expect(four.tokens).toHaveLength(4); // <|t0|> speech <|t1|> <|endoftext|>, as the fixture writes
  });

  it('wiring: a prompt before the prefix reaches the beams as it does greedy decoding', async () => {
    const prefix = decoderPrefix(parts, undefined, { prompt: 'speech speech' });
    const greedy = (await parts.model.generate({ inputs: features, decoder_input_ids: prefix, return_timestamps: true })) as Tensor;
    const beams = await beamDecode(parts, features, { prefix, size: 3, word: false });
    expect(beams.tokens).toEqual((greedy.tolist()[0] as bigint[]).slice(prefix.length));
  });
});

describe.skipIf(!FSDD_SET)('beams through the pipeline on fixture copies (wiring only)', () => {
  const clip = async () => encodeWav(await digitAudio(), { sampleRate: SAMPLE_RATE });

  it("wiring: beams 3 gives greedy's transcript, with language 'auto' on a multilingual copy and with a prompt", async () => {
    const multilingual = fixtureCopy('multilingual', { is_multilingual: true, lang_to_id: { '<|en|>': 3 }, task_to_id: { translate: 4, transcribe: 5 } });
    const transcriber = await pipeline('automatic-speech-recognition', multilingual);
    try {
      const audio = await clip();
      // Its prefix is 3 tokens, which moves the fixture's script past its word: no text, greedy or not.
      const greedy = await transcriber(audio, { language: 'auto' });
      expect(greedy.language).toBe('en');
      expect(await transcriber(audio, { language: 'auto', beams: 3 })).toEqual(greedy);
      expect(await transcriber(audio, { beams: 3, prompt: 'speech speech speech' })).toEqual(await transcriber(audio, { prompt: 'speech speech speech' }));
      // beams apply at temperature 0; a ladder's later temperatures sample as before (the fixture never needs them).
      expect(await transcriber(audio, { beams: 2, temperature: 'fallback' })).toEqual(await transcriber(audio, { language: 'english' }));
    } finally {
      await transcriber.dispose();
    }
  });

  it("wiring: beams with timestamps 'word' time the chosen beam as greedy's words are timed", async () => {
    const transcriber = await pipeline('automatic-speech-recognition', fixtureCopy('words', { alignment_heads: [[0, 0]] }, true));
    try {
      const audio = await clip();
      const greedy = await transcriber(audio, { timestamps: 'word' });
      expect(greedy.chunks).toHaveLength(1);
      expect(await transcriber(audio, { timestamps: 'word', beams: 4 })).toEqual(greedy);
    } finally {
      await transcriber.dispose();
    }
  });

  it('dispose() after beam decoding releases every session it opened (the VAD and the fixture transformers.js sessions)', async () => {
    const sessions = openOnnxSessions();
    loaded.sessions.length = 0;
    const transcriber = await pipeline('automatic-speech-recognition', fixtureCopy('dispose'));
    expect(openOnnxSessions()).toBeGreaterThan(sessions);
    expect(loaded.sessions.length).toBeGreaterThan(0);
    const audio = await clip();
    for (let i = 0; i < 3; i++) expect((await transcriber(audio, { beams: 5 })).text).toBe('speech');
    await transcriber.dispose();
    expect(openOnnxSessions()).toBe(sessions);
    expect(loaded.sessions.every((s) => s.released)).toBe(true);
  });
});
