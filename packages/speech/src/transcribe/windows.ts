import { concatSamples } from '../audio/samples.js';
import type { TranscriptChunk } from './transcribe.js';

/** What one window of a long recording gave: its chunks, timed from the window's start. */
export interface WindowResult {
  /** Seconds from the start of the recording. */
  offset: number;
  duration: number;
  chunks: ReadonlyArray<{ timestamp: readonly [number, number | null]; text: string }>;
}

/**
 * Joins the chunks of overlapping windows into one timeline without duplicated or lost words: each chunk is
 * moved to recording time, and of two neighbouring windows each keeps the chunks whose middle lies on its side
 * of the middle of their overlap (where both windows hear the words with the most context). A chunk whose end
 * the model left open (null) ends where its window does.
 */
export function mergeWindows(windows: readonly WindowResult[]): TranscriptChunk[] {
  const out: TranscriptChunk[] = [];
  windows.forEach((w, i) => {
    const previous = windows[i - 1];
    const next = windows[i + 1];
    const from = previous ? (w.offset + previous.offset + previous.duration) / 2 : -Infinity;
    const to = next ? (next.offset + w.offset + w.duration) / 2 : Infinity;
    for (const chunk of w.chunks) {
      const start = w.offset + chunk.timestamp[0];
      const end = w.offset + Math.min(chunk.timestamp[1] ?? w.duration, w.duration);
      const middle = (start + end) / 2;
      if (middle >= from && middle < to && chunk.text.trim() !== '') out.push({ timestamp: [start, Math.max(start, end)], text: chunk.text.trim() });
    }
  });
  return out;
}

/**
 * Cuts a stream into windows of `size` samples starting every `step` samples (so consecutive windows overlap by
 * size - step), holding one window in memory. The last, shorter window is kept only when it reaches past what
 * the previous window covered.
 */
export async function* slidingWindows(stream: AsyncIterable<Float32Array>, size: number, step: number): AsyncGenerator<{ offset: number; samples: Float32Array }> {
  let window = new Float32Array(0);
  let offset = 0;
  let emitted = false;
  for await (const chunk of stream) {
    window = concatSamples(window, chunk);
    while (window.length >= size) {
      yield { offset, samples: window.slice(0, size) };
      emitted = true;
      window = window.slice(step);
      offset += step;
    }
  }
  if (window.length > 0 && (!emitted || window.length > size - step)) yield { offset, samples: window };
}
