import { DlError, isTransformersFolder, parseModelReference, parseOptions, refuseHubOnlyOptions, type HubReference, type ModelReference } from '@dlkit/core';
import { HUB_LOAD_OPTIONS } from '@dlkit/core/pipeline';
import { z } from 'zod';
import { DEFAULT_MAX_SECONDS, SAMPLE_RATE } from '../audio/read-audio.js';
import { assertFinite } from '../audio/samples.js';
import { SPEECH_DIGITS_MODEL, type AsrCallOptions } from '../tasks.js';
import { digitsEngine, whisperEngine, type Engine, type TranscriptChunk } from '../transcribe/transcribe.js';
import { TailAudio, type LivePartials } from './partials.js';
import { AsyncQueue } from './queue.js';

export const streamingTranscriberOptions = z.strictObject({
  model: z
    .string()
    .min(1)
    .optional()
    .describe(`the embedded speech-digits model or a digits model folder (default '${SPEECH_DIGITS_MODEL}'), or Whisper (a hub id or a transformers.js folder)`),
  ...HUB_LOAD_OPTIONS,
  maxSeconds: z
    .number()
    .positive()
    .max(7 * 24 * 3600)
    .optional()
    .describe('longest stream, in seconds of audio (default 4 hours); audio past it is INPUT_TOO_LARGE, after a final result for what was heard'),
  idleSeconds: z
    .number()
    .positive()
    .max(24 * 3600)
    .optional()
    .describe('a stream that gets no audio for this long (wall clock) has stalled: INPUT_UNREADABLE, after a final result for what was heard (default: wait as long as it takes)'),
  partials: z.boolean().optional().describe('also read the audio not final yet, as partial results from results() (default false)'),
});
export type StreamingTranscriberOptions = z.infer<typeof streamingTranscriberOptions>;

/**
 * A result of live transcription: a final chunk (its text and times will not change), or a partial one, the
 * current reading of speech still going on (a word still being said; a Whisper window still open), which later
 * partials and then a final chunk replace. A partial's end is the end of the audio heard when it was read.
 */
export interface LiveResult extends TranscriptChunk {
  final: boolean;
}

/**
 * Live transcription: audio pushed as it arrives, each chunk of the transcript read as soon as it is final. Audio
 * is 16 kHz mono float32 (`SAMPLE_RATE`; `resample()` converts), in chunks of any size. Times are seconds from
 * the first sample pushed, as a file's would be: the words and times are those of transcribing the same audio
 * whole. Iterate it once: `for await (const chunk of transcriber)` gives the final chunks, `results()` finals and
 * (with `partials: true`) partials, in order; either ends after `end()` once all heard audio is read, and throws
 * the error that stopped the stream, if any.
 */
export interface StreamingTranscriber extends AsyncIterable<TranscriptChunk> {
  readonly model: string;
  readonly device: string;
  /**
   * Takes a chunk (copied: the caller may reuse its buffer). Garbage ends the stream, as `end()` would, so that
   * what was heard before it is still read, and is thrown: not a Float32Array is `INVALID_ARGUMENT` (`chunk`),
   * NaN or infinite samples `INPUT_UNREADABLE`; audio past `maxSeconds` is `INPUT_TOO_LARGE` (what fits is kept).
   * The iterator throws the same error after the last chunk, as it does after a stall (`idleSeconds`).
   */
  push(chunk: Float32Array): void;
  /** No more audio: the speech heard last (even cut off mid-word) gives a final chunk. A second call does nothing. */
  end(): void;
  /** Finals and partials (`final: false`, only with `partials: true`) in the order they were read; instead of iterating the transcriber. */
  results(): AsyncIterable<LiveResult>;
  /** Stops at once (audio not yet read is dropped) and frees the models; a second call does nothing. */
  dispose(): Promise<void>;
}

type LiveEngine = Engine & Required<Pick<Engine, 'live'>>;

/** The engine that can follow live audio: any with a `live` generator (speech-digits and Whisper). */
async function liveEngine(model: string, options: StreamingTranscriberOptions): Promise<LiveEngine> {
  const reference = parseModelReference(model);
  const hub = { dtype: options.dtype, device: options.device };
  if (reference.kind === 'hub' || isTransformersFolder(reference)) return (await whisperEngine(reference as HubReference, model, hub)) as LiveEngine;
  refuseHubOnlyOptions(hub, model);
  return digitsEngine(reference as Exclude<ModelReference, { kind: 'hub' }>, model);
}

/** A chunk as pushed, checked: a typed error for anything that is not finite 16 kHz float32 samples. */
function checkedChunk(chunk: unknown, heard: number): Float32Array {
  if (!(chunk instanceof Float32Array)) {
    // The type by name (Float64Array, Array, String, Null): what a caller mixing up buffers needs to see.
    const got = Object.prototype.toString.call(chunk).slice(8, -1);
    throw new DlError('INVALID_ARGUMENT', `push() takes 16 kHz mono Float32Array chunks, not ${got}`, { parameter: 'chunk' });
  }
  assertFinite(chunk, 'live audio', heard);
  return chunk.slice();
}

/**
 * Partial readings as the audio comes: one every `everySeconds` of audio, one at a time, and only while the
 * engine keeps up (less than `everySeconds` of audio waiting for it): a busy machine spends its time on the final
 * chunks, and a stream pushed faster than real time gets fewer partials. A reading is dropped if a final chunk
 * came while it ran (it would show a word already final).
 */
class PartialReader {
  private readonly tail: TailAudio;
  private nextAt: number;
  private finalEnd = 0;
  private finals = 0;
  private taken = 0;
  private running: Promise<void> | undefined;
  private over = false;

  constructor(
    private readonly partials: LivePartials,
    private readonly emit: (result: LiveResult) => void,
  ) {
    this.tail = new TailAudio(Math.round(partials.keepSeconds * SAMPLE_RATE));
    this.nextAt = Math.round(partials.everySeconds * SAMPLE_RATE);
  }

  heard(samples: Float32Array): void {
    this.tail.push(samples);
    this.next();
  }

  /** The engine took `samples` from the audio queue. */
  taking(samples: Float32Array): void {
    this.taken += samples.length;
    this.next();
  }

  /** A reading when one is due and none is running; one that ends with another due (audio came meanwhile) starts it. */
  private next(): void {
    const every = Math.round(this.partials.everySeconds * SAMPLE_RATE);
    if (this.running || this.over || this.tail.total < this.nextAt || this.tail.total - this.taken > every) return;
    this.nextAt = this.tail.total + every;
    this.running = this.read().finally(() => {
      this.running = undefined;
      this.next();
    });
  }

  final(chunk: TranscriptChunk): void {
    this.finals += 1;
    this.finalEnd = Math.max(this.finalEnd, Math.round(chunk.timestamp[1] * SAMPLE_RATE));
  }

  /** No more readings; resolves once the one running (if any) is over, so that the models can be freed. */
  async stop(): Promise<void> {
    this.over = true;
    await this.running;
  }

  private async read(): Promise<void> {
    const seen = this.finals;
    const { samples, start } = this.tail.since(this.finalEnd);
    try {
      const chunks = samples.length > 0 ? await this.partials.read(samples, start) : [];
      if (this.over || seen !== this.finals) return;
      for (const chunk of chunks) this.emit({ ...chunk, final: false });
    } catch {
      // A partial is provisional: a reading that fails shows nothing, and the final reading of the same audio
      // reports whatever is wrong with it.
    }
  }
}

/** A stall timer: `stall()` once no audio has come for `seconds`; `touch()` on each chunk, `clear()` at the end. */
function stallTimer(seconds: number | undefined, stall: (error: DlError) => void) {
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    if (seconds === undefined) return;
    clearTimeout(timer);
    const error = new DlError('INPUT_UNREADABLE', `live audio: none came for ${seconds} s (the source stalled); what was heard before is read`, {
      hint: { kind: 'raise-option', option: 'idleSeconds' },
    });
    timer = setTimeout(() => stall(error), seconds * 1000);
  };
  touch();
  return { touch, clear: () => clearTimeout(timer) };
}

function tooLong(maxSeconds: number): DlError {
  return new DlError('INPUT_TOO_LARGE', `live audio: more than the ${maxSeconds} s limit; what was heard up to it is read`, {
    hint: { kind: 'raise-option', option: 'maxSeconds' },
  });
}

/** The call options of every chunk read: none yet, refused as a file's would be once the stream takes some. */
async function liveCall(engine: LiveEngine): Promise<AsrCallOptions> {
  const call: AsrCallOptions = {};
  try {
    engine.refuse?.(call);
  } catch (error) {
    await engine.dispose();
    throw error;
  }
  return call;
}

/** Loads the model and starts reading: audio pushed from then on is transcribed as it comes. */
export async function createStreamingTranscriber(options: StreamingTranscriberOptions = {}): Promise<StreamingTranscriber> {
  const checked = parseOptions(streamingTranscriberOptions, options, 'createStreamingTranscriber');
  const model = checked.model ?? SPEECH_DIGITS_MODEL;
  const maxSeconds = checked.maxSeconds ?? DEFAULT_MAX_SECONDS;
  const limit = Math.floor(maxSeconds * SAMPLE_RATE);
  const engine = await liveEngine(model, checked);
  const call = await liveCall(engine);
  const audio = new AsyncQueue<Float32Array>();
  const results = new AsyncQueue<LiveResult>();
  const partials = checked.partials && engine.partials ? new PartialReader(engine.partials, (r) => results.put(r)) : undefined;
  let stopped: { error: unknown } | undefined;
  let heard = 0;
  const stop = (error: unknown) => {
    stopped ??= { error };
    idle.clear();
    audio.close();
  };
  const idle = stallTimer(checked.idleSeconds, stop);
  async function* taken() {
    for await (const samples of audio) yield (partials?.taking(samples), samples);
  }
  // Read eagerly, whether or not anyone iterates yet: a word is recognised once its segment closes, not when asked.
  const reading = (async () => {
    try {
      for await (const chunk of engine.live(taken(), call)) {
        partials?.final(chunk);
        results.put({ ...chunk, final: true });
      }
    } catch (error) {
      stopped ??= { error };
      audio.discard();
    }
    idle.clear();
    await partials?.stop();
    results.close(stopped);
  })();
  let disposed: Promise<void> | undefined;
  return {
    model,
    device: engine.device,
    push(chunk) {
      if (disposed) throw new DlError('DISPOSED', 'This streaming transcriber was disposed; create a new one');
      if (stopped) throw stopped.error;
      if (audio.isClosed) throw new DlError('INVALID_ARGUMENT', 'push() after end(): this stream is over; create a new transcriber', { parameter: 'chunk' });
      try {
        const samples = checkedChunk(chunk, heard);
        const kept = samples.length > limit - heard ? samples.subarray(0, limit - heard) : samples;
        heard += kept.length;
        if (kept.length > 0) (audio.put(kept), partials?.heard(kept));
        if (kept !== samples) throw tooLong(maxSeconds);
        // An empty chunk is no audio: a source that sends only those has stalled all the same.
        if (kept.length > 0) idle.touch();
      } catch (error) {
        stop(error);
        throw error;
      }
    },
    end() {
      idle.clear();
      audio.close();
    },
    results: () => results,
    async *[Symbol.asyncIterator]() {
      for await (const { final, ...chunk } of results) if (final) yield chunk;
    },
    dispose: () =>
      (disposed ??= (async () => {
        idle.clear();
        audio.discard();
        await reading;
        await engine.dispose();
      })()),
  };
}
