import { DlError, isTransformersFolder, parseModelReference, parseOptions, type ModelReference } from '@dlkit/core';
import { z } from 'zod';
import { assertFinite } from '../audio/samples.js';
import { SPEECH_DIGITS_MODEL } from '../tasks.js';
import { digitsEngine, type Engine, type TranscriptChunk } from '../transcribe/transcribe.js';
import { AsyncQueue } from './queue.js';

export const streamingTranscriberOptions = z.strictObject({
  model: z.string().min(1).optional().describe(`an embedded speech-digits model or a digits model folder (default '${SPEECH_DIGITS_MODEL}')`),
});
export type StreamingTranscriberOptions = z.infer<typeof streamingTranscriberOptions>;

/**
 * Live transcription: audio pushed as it arrives, each chunk of the transcript read as soon as it is final. Audio
 * is 16 kHz mono float32 (`SAMPLE_RATE`; `resample()` converts), in chunks of any size. Times are seconds from
 * the first sample pushed, as a file's would be: the words and times are those of transcribing the same audio
 * whole. Iterate it once (`for await (const chunk of transcriber)`): it ends after `end()` once all heard audio
 * is read, and throws the error that stopped it, if any.
 *
 * A source that stalls is the caller's to notice (a timeout around its reads): the transcriber waits for audio
 * as long as it takes, holding nothing but the open segment.
 */
export interface StreamingTranscriber extends AsyncIterable<TranscriptChunk> {
  readonly model: string;
  readonly device: string;
  /**
   * Takes a chunk (copied: the caller may reuse its buffer). Garbage ends the stream, as `end()` would, so that
   * what was heard before it is still read, and is thrown: not a Float32Array is `INVALID_ARGUMENT` (`chunk`),
   * NaN or infinite samples `INPUT_UNREADABLE`; the iterator throws the same error after the last chunk.
   */
  push(chunk: Float32Array): void;
  /** No more audio: the speech heard last (even cut off mid-word) gives a final chunk. A second call does nothing. */
  end(): void;
  /** Stops at once (audio not yet read is dropped) and frees the models; a second call does nothing. */
  dispose(): Promise<void>;
}

/**
 * The engine that can follow live audio. The seam for Whisper: an engine with a `live` generator is all the
 * stream needs, so Whisper streams once whisperEngine has one.
 */
async function liveEngine(model: string): Promise<Engine & Required<Pick<Engine, 'live'>>> {
  const reference = parseModelReference(model);
  if (reference.kind === 'hub' || isTransformersFolder(reference)) {
    const message = `live transcription runs a speech-digits model ('${SPEECH_DIGITS_MODEL}' or a digits model folder) for now, not Whisper (${model}): transcribe a recording of the stream instead`;
    throw new DlError('INVALID_ARGUMENT', message, { parameter: 'model' });
  }
  return digitsEngine(reference as Exclude<ModelReference, { kind: 'hub' }>);
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

/** Loads the model and starts reading: audio pushed from then on is transcribed as it comes. */
export async function createStreamingTranscriber(options: StreamingTranscriberOptions = {}): Promise<StreamingTranscriber> {
  const model = parseOptions(streamingTranscriberOptions, options, 'createStreamingTranscriber').model ?? SPEECH_DIGITS_MODEL;
  const engine = await liveEngine(model);
  const audio = new AsyncQueue<Float32Array>();
  const results = new AsyncQueue<TranscriptChunk>();
  let stopped: { error: unknown } | undefined;
  let heard = 0;
  // Read eagerly, whether or not anyone iterates yet: a word is recognised once its segment closes, not when asked.
  const reading = (async () => {
    try {
      for await (const chunk of engine.live(audio, {})) results.put(chunk);
      results.close(stopped);
    } catch (error) {
      stopped ??= { error };
      audio.discard();
      results.close(stopped);
    }
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
        heard += samples.length;
        if (samples.length > 0) audio.put(samples);
      } catch (error) {
        stopped = { error };
        audio.close();
        throw error;
      }
    },
    end: () => audio.close(),
    [Symbol.asyncIterator]: () => results[Symbol.asyncIterator](),
    dispose: () =>
      (disposed ??= (async () => {
        audio.discard();
        await reading;
        await engine.dispose();
      })()),
  };
}
