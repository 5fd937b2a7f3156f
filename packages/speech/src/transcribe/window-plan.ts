import { DlError } from '@dlkit/core';
import { concatSamples } from '../audio/samples.js';
import type { TranscriptChunk } from './transcribe.js';

export interface WindowPlanOptions {
  /** Longest window, in seconds (default 30: what Whisper hears at once; its feature extractor cuts the rest). */
  maxSeconds?: number;
  /**
   * Silence left between two stretches of speech in a window, in seconds (default 0.1; the VAD's pads add their
   * own on each side). A shorter pause in the recording is kept as it is.
   */
  gapSeconds?: number;
  /** Samples per second of the segments' audio (default 16 kHz). */
  sampleRate?: number;
}

/** A stretch of the recording inside a window, in samples. */
export interface WindowPiece {
  /** Where it starts in the window. */
  at: number;
  /** Where it starts in the recording. */
  from: number;
  length: number;
}

/** What one decoder call hears, and where each part of it lies in the recording. */
export interface PlannedWindow {
  /** The pieces in order, `gapSeconds` of silence between them: at most `maxSeconds` long. */
  samples: Float32Array;
  pieces: readonly WindowPiece[];
  sampleRate: number;
  /** Recording seconds of the first piece's start and of the last piece's end. */
  start: number;
  end: number;
}

/** A chunk as the decoder gives it: seconds from the window's start, the end left open (null) at the window's end. */
export interface WindowChunk {
  timestamp: readonly [number, number | null];
  text: string;
}

/** The loudness frame for finding a cut inside speech: 25 ms, every 10 ms (a speech recogniser's frame). */
const QUIET_FRAME_SECONDS = 0.025;
const QUIET_HOP_SECONDS = 0.01;

interface Held {
  from: number;
  audio: Float32Array;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

function positive(value: number, parameter: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new DlError('INVALID_ARGUMENT', `${parameter} must be a positive number of seconds, not ${value}`, { parameter });
  return value;
}

/**
 * The sample in `audio[lo..hi]` at the centre of the quietest 25 ms frame (lowest energy), the latest of equals so
 * that a window without a quieter point is cut as late as it may be. Energy rather than the VAD's probability:
 * inside a segment the probability stays high by definition, while the energy dips in each stop consonant and
 * breath between words; it is also at 10 ms (the VAD's frame is 32 ms) and needs no model.
 */
function quietestPoint(audio: Float32Array, lo: number, hi: number, rate: number): number {
  const half = Math.max(1, Math.round((QUIET_FRAME_SECONDS * rate) / 2));
  const hop = Math.max(1, Math.round(QUIET_HOP_SECONDS * rate));
  const base = Math.max(0, lo - half);
  const top = Math.min(audio.length, hi + half);
  const sums = new Float64Array(top - base + 1);
  for (let i = base; i < top; i++) sums[i - base + 1] = sums[i - base]! + audio[i]! * audio[i]!;
  let best = hi;
  let quietest = Infinity;
  // From the latest point back, replacing only on strictly quieter: the latest of equals wins.
  for (let c = hi; c >= lo; c -= hop) {
    const energy = sums[Math.min(top, c + half) - base]! - sums[Math.max(base, c - half) - base]!;
    if (energy < quietest) [best, quietest] = [c, energy];
  }
  return best;
}

/**
 * Packs speech segments (Silero's, in order) into decoder windows as they come: whole segments, in order, at most
 * `maxSeconds` each, cut only at a pause between segments, the silence of a pause shortened to `gapSeconds`, so
 * that silence never reaches the decoder. Speech longer than a window without a pause is cut at its quietest
 * point in the window's second half. Memory holds one window (and the segment being added).
 */
export class WindowPlanner {
  private held: Held[] = [];
  private readonly rate: number;
  private readonly max: number;
  private readonly gap: number;

  constructor(options: WindowPlanOptions = {}) {
    this.rate = positive(options.sampleRate ?? 16_000, 'sampleRate');
    this.max = Math.floor(positive(options.maxSeconds ?? 30, 'maxSeconds') * this.rate);
    this.gap = Math.round(positive(options.gapSeconds ?? 0.1, 'gapSeconds') * this.rate);
    if (this.gap * 2 > this.max) throw new DlError('INVALID_ARGUMENT', 'gapSeconds must be under half of maxSeconds', { parameter: 'gapSeconds' });
  }

  /** The next speech segment (its start in recording seconds, its samples); answers the windows it completes. */
  push(segment: { start: number; audio: Float32Array }): PlannedWindow[] {
    const from = Math.round(segment.start * this.rate);
    const last = this.held.at(-1);
    if (last && from < last.from) {
      throw new DlError('INVALID_ARGUMENT', `speech segments must come in order: one at ${segment.start} s came after one at ${last.from / this.rate} s`, { parameter: 'segments' });
    }
    const out: PlannedWindow[] = [];
    const lastEnd = last ? last.from + last.audio.length : 0;
    if (last && from <= lastEnd + this.gap) {
      // A pause no longer than the gap, or segments that overlap (the VAD's pads; its cut of long speech): one
      // stretch in real time, the pause as silence, the overlap once.
      last.audio = concatSamples(last.audio, new Float32Array(Math.max(0, from - lastEnd)), segment.audio.subarray(Math.max(0, lastEnd - from)));
    } else {
      this.held.push({ from, audio: segment.audio });
    }
    // Only the last stretch can have taken the window past its bound. The pause before it is the cut, unless the
    // stretch is longer than a window (it must be cut anyway) and the window is not half full yet: then the
    // stretch fills it, up to its quietest point in the window's second half.
    while (this.length() > this.max) {
      const before = this.length() - this.held.at(-1)!.audio.length;
      out.push(this.held.at(-1)!.audio.length > this.max && before - this.gap < this.max / 2 ? this.split(before) : this.take(this.held.length - 1));
    }
    return out;
  }

  /** The last window, once the segments are over (none when no speech was heard). */
  flush(): PlannedWindow[] {
    return this.held.length > 0 ? [this.take(this.held.length)] : [];
  }

  private length(): number {
    return this.held.reduce((n, h) => n + h.audio.length, 0) + this.gap * Math.max(0, this.held.length - 1);
  }

  /** The first `count` held stretches as one window. */
  private take(count: number): PlannedWindow {
    const parts = this.held.splice(0, count);
    const pieces: WindowPiece[] = [];
    let at = 0;
    for (const part of parts) {
      pieces.push({ at, from: part.from, length: part.audio.length });
      at += part.audio.length + this.gap;
    }
    const samples = new Float32Array(at - this.gap);
    parts.forEach((part, i) => samples.set(part.audio, pieces[i]!.at));
    const lastPiece = pieces.at(-1)!;
    return { samples, pieces, sampleRate: this.rate, start: pieces[0]!.from / this.rate, end: (lastPiece.from + lastPiece.length) / this.rate };
  }

  /** The last stretch, `before` samples into the window, up to its quietest point in the window's second half. */
  private split(before: number): PlannedWindow {
    const last = this.held.at(-1)!;
    const cut = quietestPoint(last.audio, Math.max(1, Math.ceil(this.max / 2) - before), this.max - before, this.rate);
    this.held[this.held.length - 1] = { from: last.from, audio: last.audio.subarray(0, cut) };
    const window = this.take(this.held.length);
    this.held = [{ from: last.from + cut, audio: last.audio.slice(cut) }];
    return window;
  }
}

/**
 * A time in a window (seconds from its start, as the decoder gives it) in recording seconds. A time in the
 * silence between two pieces, which stands for a pause that was shortened, is the next piece's start for a
 * chunk's `start` and the previous piece's end for its `end`; past the last piece it is that piece's end.
 */
function recordingTime(window: PlannedWindow, seconds: number, side: 'start' | 'end'): number {
  const position = seconds * window.sampleRate;
  const { pieces } = window;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (position < piece.at) {
      const previous = pieces[i - 1];
      return (side === 'end' && previous ? previous.from + previous.length : piece.from) / window.sampleRate;
    }
    if (position <= piece.at + piece.length) return (piece.from + position - piece.at) / window.sampleRate;
  }
  return window.end;
}

/**
 * A window's chunks (or word chunks) in recording time, in milliseconds, text trimmed, empty ones dropped; an
 * open end is the window's end.
 */
export function toRecordingTime(window: PlannedWindow, chunks: readonly WindowChunk[]): TranscriptChunk[] {
  return chunks.flatMap((chunk) => {
    const text = chunk.text.trim();
    if (text === '') return [];
    const start = round(recordingTime(window, chunk.timestamp[0], 'start'));
    const end = round(recordingTime(window, chunk.timestamp[1] ?? Infinity, 'end'));
    return [{ ...chunk, timestamp: [start, Math.max(start, end)] as [number, number], text }];
  });
}
