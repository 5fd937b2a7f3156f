import { DlError } from '@dlkit/core';
import type { AsrCallOptions } from '../tasks.js';
import type { Engine, TranscriptChunk } from '../transcribe/transcribe.js';
import { WindowPlanner, type PlannedWindow } from '../transcribe/window-plan.js';
import type { Vad, VadOptions } from '../vad/silero.js';

/** Whisper's decoder over one planned window, its chunks in recording time (whisperEngine's). */
type DecodeWindow = (window: PlannedWindow, call: AsrCallOptions) => Promise<TranscriptChunk[]>;

const round = (s: number) => Math.round(s * 1000) / 1000;

/** The decoder windows of `audio` as each closes: Silero's segments packed by a WindowPlanner, as for a file. */
async function* windowsOf(vad: Vad, audio: AsyncIterable<Float32Array> | Float32Array, vadOptions: VadOptions): AsyncGenerator<PlannedWindow> {
  const planner = new WindowPlanner();
  for await (const segment of vad.segments(audio, { ...vadOptions, withAudio: true })) yield* planner.push({ start: segment.start, audio: segment.audio! });
  yield* planner.flush();
}

/**
 * Whisper over a stream: Silero VAD and the window planner, each window decoded as soon as it closes (a pause
 * after up to 30 s of speech, or the end of the stream). A file's transcription collects these same chunks, so
 * live ones are those of the whole file. Windows are made of speech only, in order and without overlap: their
 * chunks follow one another as they are. A window can stay open for 30 s of talk: partials decode the speech
 * heard since the last final chunk, every 1.5 s of audio (up to 30 s of it, one window).
 */
export function whisperLive(vad: Vad, decode: DecodeWindow, vadOptions: VadOptions): Required<Pick<Engine, 'live' | 'partials'>> {
  return {
    async *live(audio, call) {
      for await (const window of windowsOf(vad, audio, vadOptions)) {
        // The audio stream checks the signal as it is read, but the last window is decoded after it has ended.
        if (call.signal?.aborted) throw new DlError('ABORTED', 'Transcription aborted', { cause: call.signal.reason });
        yield* await decode(window, call);
        call.onProgress?.(window.end);
      }
    },
    partials: {
      everySeconds: 1.5,
      keepSeconds: 30,
      async read(tail, start) {
        const chunks: TranscriptChunk[] = [];
        for await (const window of windowsOf(vad, tail, vadOptions)) chunks.push(...(await decode(window, {})));
        return chunks.map((c) => ({ ...c, timestamp: [round(start + c.timestamp[0]), round(start + c.timestamp[1])] }));
      },
    },
  };
}
