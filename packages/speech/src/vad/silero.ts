import { createOnnxSession, DlError, loadLocalModel, type OnnxSession } from '@dlkit/core';
// The embedded models are registered before a name is looked up, however this module was reached.
import '../embedded.js';
import { VAD_MODEL } from '../tasks.js';
import { SAMPLE_RATE } from '../audio/read-audio.js';
import { concatSamples } from '../audio/samples.js';

/** Samples per VAD frame at 16 kHz (32 ms). */
const VAD_FRAME = 512;
const PRIMING_FRAMES = 16;
const TARGET_PEAK = 0.5;
const MAX_GAIN = 32;
const DITHER = 1e-4;
/** The level tracker halves in about 0.5 s (16 frames): a quiet word right after a loud one is still heard. */
const LEVEL_DECAY = 0.5 ** (1 / 16);

export interface VadOptions {
  /** Speech starts at this probability ... */
  threshold?: number;
  /** ... and ends below this one (default threshold - 0.15, at least half the threshold). */
  negativeThreshold?: number;
  /** Shorter speech is dropped (default 150 ms). */
  minSpeechMs?: number;
  /** Silence shorter than this does not end a segment (default 100 ms). */
  minSilenceMs?: number;
  /** Added before and after each segment (default 30 ms). */
  padMs?: number;
  /** A longer segment is cut (default 30 s). */
  maxSpeechSeconds?: number;
}

/** A stretch of speech, in seconds from the start, with its audio when asked for. */
export interface SpeechSegment {
  start: number;
  end: number;
  audio?: Float32Array;
}

export interface Vad {
  /** Speech probability of each 32 ms frame. */
  probabilities(audio: AsyncIterable<Float32Array> | Float32Array): AsyncGenerator<number>;
  /** Speech segments, streamed as they end: memory holds one segment, whatever the length of the audio. */
  segments(audio: AsyncIterable<Float32Array> | Float32Array, options?: VadOptions & { withAudio?: boolean }): AsyncGenerator<SpeechSegment>;
  /** A clip cut from its first speech to its last (padded as the segments are); all of it when none is found. */
  trim(samples: Float32Array, options?: VadOptions): Promise<Float32Array>;
  /** Frees the session; a second call does nothing, and a call after it is `DISPOSED`. */
  dispose(): Promise<void>;
}

async function* frames(audio: AsyncIterable<Float32Array> | Float32Array): AsyncGenerator<Float32Array> {
  const source = audio instanceof Float32Array ? [audio] : audio;
  let pending = new Float32Array(0);
  for await (const chunk of source) {
    const joined = concatSamples(pending, chunk);
    let at = 0;
    for (; at + VAD_FRAME <= joined.length; at += VAD_FRAME) yield joined.subarray(at, at + VAD_FRAME);
    pending = joined.slice(at);
  }
  if (pending.length > 0) {
    const last = new Float32Array(VAD_FRAME);
    last.set(pending);
    yield last;
  }
}

/**
 * Speech probability of each frame of `audio` through one Silero session, its LSTM state carried from frame to
 * frame, with the priming, level following and dither that keep it hearing quiet and edited recordings.
 */
async function* speechProbabilities({ session, ort }: OnnxSession, audio: AsyncIterable<Float32Array> | Float32Array): AsyncGenerator<number> {
  let h = new ort.Tensor('float32', new Float32Array(128), [2, 1, 64]);
  let c = new ort.Tensor('float32', new Float32Array(128), [2, 1, 64]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SAMPLE_RATE)]), []);
  const step = async (frame: Float32Array) => {
    const out = await session.run({ input: new ort.Tensor('float32', frame, [1, VAD_FRAME]), sr, h, c });
    h = out.hn as typeof h;
    c = out.cn as typeof c;
    return (out.output!.data as Float32Array)[0]!;
  };
  // Silero's LSTM needs context: a recording that starts with speech gets low scores until it has heard some
  // audio, so it first hears a little silence.
  for (let i = 0; i < PRIMING_FRAMES; i++) await step(new Float32Array(VAD_FRAME));
  // Silero also misses quiet speech (FSDD's speaker "theo" peaks at -30 dBFS): the frames it hears are brought
  // to a steady level by a gain that follows the recent peak (at most +30 dB, so silence stays silence).
  let level = TARGET_PEAK / MAX_GAIN;
  let seed = 1;
  for await (const frame of frames(audio)) {
    let peak = 0;
    for (const v of frame) peak = Math.max(peak, Math.abs(v));
    level = Math.max(peak, level * LEVEL_DECAY, TARGET_PEAK / MAX_GAIN);
    const gain = TARGET_PEAK / level;
    // Digital silence (exact zeros, as edited files have) drifts the LSTM into missing the next words: it
    // hears a faint noise floor (-80 dBFS) instead, as a microphone would give.
    yield await step(Float32Array.from(frame, (v) => (v + DITHER * ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 31 - 1)) * gain));
  }
}

/**
 * The audio heard since the oldest sample a segment may still need, for handing out each segment's samples: the
 * rest is forgotten as it goes, so memory holds about one segment whatever the length of the audio.
 */
class RecentAudio {
  /** Samples heard in all (the end of the audio once it is over). */
  total = 0;
  private kept = 0;
  private buffer: Float32Array[] = [];

  constructor(private readonly keep: boolean) {}

  async *pass(source: AsyncIterable<Float32Array> | Float32Array): AsyncGenerator<Float32Array> {
    for await (const chunk of source instanceof Float32Array ? [source] : source) {
      if (this.keep) this.buffer.push(chunk);
      this.total += chunk.length;
      yield chunk;
    }
  }

  slice(from: number, to: number): Float32Array {
    const out = new Float32Array(Math.max(0, to - from));
    let at = this.kept;
    for (const chunk of this.buffer) {
      const a = Math.max(from, at);
      const b = Math.min(to, at + chunk.length);
      if (b > a) out.set(chunk.subarray(a - at, b - at), a - from);
      at += chunk.length;
    }
    return out;
  }

  forget(before: number): void {
    while (this.buffer.length > 0 && this.kept + this.buffer[0]!.length <= before) this.kept += this.buffer.shift()!.length;
  }
}

/** Segment bounds in samples, from the options in ms and seconds. */
function segmentSettings(options: VadOptions) {
  const threshold = options.threshold ?? 0.5;
  const ms = (v: number) => Math.round((v * SAMPLE_RATE) / 1000);
  return {
    threshold,
    // threshold - 0.15, kept above 0 so that a low threshold still lets speech end.
    negative: options.negativeThreshold ?? Math.max(threshold - 0.15, threshold / 2),
    minSpeech: ms(options.minSpeechMs ?? 150),
    minSilence: ms(options.minSilenceMs ?? 100),
    pad: ms(options.padMs ?? 30),
    maxSpeech: (options.maxSpeechSeconds ?? 30) * SAMPLE_RATE,
  };
}

/**
 * Frame probabilities to segments: speech starts at `threshold`, ends after `minSilence` below `negative` (or at
 * `maxSpeech`), and is kept when at least `minSpeech` long, padded by `pad` each side.
 */
async function* speechSegments(probabilities: AsyncIterable<number>, audio: RecentAudio, options: VadOptions & { withAudio?: boolean }): AsyncGenerator<SpeechSegment> {
  const { threshold, negative, minSpeech, minSilence, pad, maxSpeech } = segmentSettings(options);
  let start = -1;
  let silenceFrom = -1;
  let position = 0;
  const finish = (end: number): SpeechSegment | undefined => {
    const from = start;
    start = -1;
    silenceFrom = -1;
    if (end - from < minSpeech) return undefined;
    const s = Math.max(0, from - pad);
    const e = Math.min(audio.total, end + pad);
    return { start: s / SAMPLE_RATE, end: e / SAMPLE_RATE, ...(options.withAudio ? { audio: audio.slice(s, e) } : {}) };
  };
  for await (const p of probabilities) {
    const now = position;
    position += VAD_FRAME;
    let ended: SpeechSegment | undefined;
    if (p >= threshold) {
      if (start < 0) start = now;
      silenceFrom = -1;
    } else if (p < negative && start >= 0) {
      if (silenceFrom < 0) silenceFrom = now;
      if (position - silenceFrom >= minSilence) ended = finish(silenceFrom);
    }
    if (ended) yield ended;
    if (start >= 0 && position - start >= maxSpeech) {
      const segment = finish(position);
      if (segment) yield segment;
    }
    audio.forget((start >= 0 ? start : position) - pad - VAD_FRAME);
  }
  const last = start >= 0 ? finish(Math.min(position, audio.total)) : undefined;
  if (last) yield last;
}

/** The embedded Silero VAD v4 (MIT, snakers4/silero-vad) through onnxruntime: one session, its LSTM state carried from frame to frame. */
export async function loadSileroVad(): Promise<Vad> {
  const { paths } = await loadLocalModel({ kind: 'embedded', name: VAD_MODEL }, 'voice-activity-detection');
  let handle: OnnxSession | undefined = await createOnnxSession(paths.model!, { providers: ['cpu'], threads: 1 });
  const session = () => {
    if (!handle) throw new DlError('DISPOSED', 'This VAD was disposed; create a new one');
    return handle;
  };
  const vad: Vad = {
    probabilities: (audio) => speechProbabilities(session(), audio),
    segments(audio, options = {}) {
      const recent = new RecentAudio(options.withAudio === true);
      return speechSegments(speechProbabilities(session(), recent.pass(audio)), recent, options);
    },
    async trim(samples, options = {}) {
      let first: number | undefined;
      let last = 0;
      for await (const s of vad.segments(samples, options)) {
        first ??= s.start;
        last = s.end;
      }
      return first === undefined ? samples : samples.subarray(Math.round(first * SAMPLE_RATE), Math.round(last * SAMPLE_RATE));
    },
    async dispose() {
      const open = handle;
      handle = undefined;
      await open?.release();
    },
  };
  return vad;
}
