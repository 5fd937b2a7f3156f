import { describe, expect, it } from 'vitest';
import { createRng } from '@dlkit/core';
import { toRecordingTime, WindowPlanner, type PlannedWindow } from './window-plan.js';

// 100 samples a second keeps hours of segments small; each sample holds its own recording index + 1, so that where
// a window's sample came from can be read off it (0 is silence the planner put there).
const RATE = 100;
const segment = (start: number, end: number) => {
  const from = Math.round(start * RATE);
  return { start, audio: Float32Array.from({ length: Math.round(end * RATE) - from }, (_, i) => from + i + 1) };
};

function plan(segments: Array<[number, number]>, options = {}): PlannedWindow[] {
  const planner = new WindowPlanner({ sampleRate: RATE, ...options });
  return [...segments.flatMap(([s, e]) => planner.push(segment(s, e))), ...planner.flush()];
}

/** Every sample of every piece is the recording's sample at the piece's place, and the window is that long. */
function expectExactPieces(window: PlannedWindow): void {
  let misplaced = 0;
  for (const piece of window.pieces) {
    for (let k = 0; k < piece.length; k++) {
      const value = window.samples[piece.at + k]!;
      if (value !== 0 && value !== piece.from + k + 1) misplaced++;
    }
  }
  expect(misplaced).toBe(0);
  const last = window.pieces.at(-1)!;
  expect(window.samples.length).toBe(last.at + last.length);
}

describe('window planner: speech segments to decoder windows', () => {
  it('packs whole segments in order, shortens a long pause to the 0.1 s gap, keeps a pause shorter than it as it is', () => {
    const windows = plan([[1, 3], [3.05, 4], [10, 12], [40, 50], [60, 75]]);
    // 1-4 s (its 0.05 s pause kept), 0.1 s, 10-12 s, 0.1 s, 40-50 s: 15.2 s; 60-75 s would make it 30.3 s.
    expect(windows.map((w) => w.pieces)).toEqual([
      [{ at: 0, from: 100, length: 300 }, { at: 310, from: 1000, length: 200 }, { at: 520, from: 4000, length: 1000 }],
      [{ at: 0, from: 6000, length: 1500 }],
    ]);
    expect(windows.map((w) => [w.start, w.end])).toEqual([[1, 50], [60, 75]]);
    const [first] = windows;
    // Recording samples 296-300, the 0.05 s pause (300-304) as it is, then 306-310.
    expect(Array.from(first!.samples.subarray(195, 210))).toEqual([296, 297, 298, 299, 300, 0, 0, 0, 0, 0, 306, 307, 308, 309, 310]);
    // The end of the first stretch, the 0.1 s gap standing for the 6 s pause, the start of the second.
    expect(Array.from(first!.samples.subarray(295, 315))).toEqual([396, 397, 398, 399, 400, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1001, 1002, 1003, 1004, 1005]);
    windows.forEach(expectExactPieces);
  });

  it('never makes a window longer than 30 s and never cuts inside a segment: 4 s segments every 5 s go 7 to a window', () => {
    const segments = Array.from({ length: 40 }, (_, i): [number, number] => [i * 5 + 0.5, i * 5 + 4.5]);
    const windows = plan(segments);
    // 7 x 4 s + 6 x 0.1 s = 28.6 s; an eighth would make 32.7 s.
    expect(windows.map((w) => w.pieces.length)).toEqual([7, 7, 7, 7, 7, 5]);
    expect(windows.map((w) => w.samples.length)).toEqual([2860, 2860, 2860, 2860, 2860, 2040]);
    expect(windows.flatMap((w) => w.pieces.map((p) => [p.from, p.length]))).toEqual(segments.map(([s]) => [s * RATE, 400]));
  });

  it('maps chunk times back to the recording exactly: inside pieces, across a shortened pause, an open end', () => {
    const [window] = plan([[1, 3], [3.05, 4], [10, 12], [40, 50]]);
    // Pieces in window time: 0-3 s (1-4 s), 3.1-5.1 s (10-12 s), 5.2-15.2 s (40-50 s).
    const chunks = toRecordingTime(window!, [
      { timestamp: [0.5, 2.9], text: ' one' },
      { timestamp: [3.0, 3.05], text: 'trailing' }, // starts at a piece's end, ends in the gap after it
      { timestamp: [3.05, 5.15], text: 'two ' }, // starts in a gap: the next piece's start; ends in the next: the previous end
      { timestamp: [5.3, 7.33], text: '  ' }, // no text: dropped
      { timestamp: [12.25, null], text: 'three' },
    ]);
    expect(chunks).toEqual([
      { timestamp: [1.5, 3.9], text: 'one' },
      { timestamp: [4, 4], text: 'trailing' },
      { timestamp: [10, 12], text: 'two' },
      { timestamp: [47.05, 50], text: 'three' },
    ]);
  });

  it('a 2-hour recording of speech and pauses: each speech sample in exactly one window, windows in order, 15-30 s each but the last', () => {
    const rng = createRng(22);
    const segments: Array<[number, number]> = [];
    let at = 0.3;
    while (at < 7200) {
      // Mostly phrases of 0.2-12 s; one in twenty is a 30-70 s monologue without a pause.
      const length = rng() < 0.05 ? 30 + 40 * rng() : 0.2 + 11.8 * rng();
      const end = Math.round((at + length) * RATE) / RATE;
      segments.push([at, end]);
      at = Math.round((end + 0.15 + 6 * rng()) * RATE) / RATE;
    }
    const windows = plan(segments);
    const speech = segments.reduce((n, [s, e]) => n + Math.round(e * RATE) - Math.round(s * RATE), 0);
    expect(windows.length).toBeGreaterThanOrEqual(Math.ceil(speech / (30 * RATE)));
    expect(windows.length).toBeLessThanOrEqual(Math.ceil(speech / (15 * RATE)) + 1);
    const covered = new Uint8Array(7300 * RATE);
    windows.forEach((w, i) => {
      expect(w.samples.length).toBeLessThanOrEqual(30 * RATE);
      if (i < windows.length - 1) expect(w.samples.length).toBeGreaterThanOrEqual(15 * RATE);
      if (i > 0) expect(w.start).toBeGreaterThanOrEqual(windows[i - 1]!.end);
      w.pieces.forEach((p, j) => {
        if (j > 0) expect(p.from).toBeGreaterThan(w.pieces[j - 1]!.from + w.pieces[j - 1]!.length + 0.1 * RATE);
        for (let k = 0; k < p.length; k++) if (w.samples[p.at + k] !== 0) covered[p.from + k]! += 1;
      });
      expectExactPieces(w);
    });
    let notOnce = 0;
    for (const [s, e] of segments) for (let k = Math.round(s * RATE); k < Math.round(e * RATE); k++) if (covered[k] !== 1) notOnce++;
    expect(notOnce).toBe(0);
    expect(covered.reduce((n, c) => n + c, 0)).toBe(speech); // and no sample of a pause
  });

  it('speech longer than 30 s without a pause is cut at its quietest point past 15 s, and at 30 s where none is quieter', () => {
    const rate = 1000;
    const loud = new Float32Array(75 * rate).fill(0.5);
    // 50 ms dips at 12 s (too early to cut at), 22.4 s and 47.0 s.
    for (const dip of [12, 22.4, 47]) loud.fill(0.05, Math.round((dip - 0.025) * rate), Math.round((dip + 0.025) * rate));
    const planner = new WindowPlanner({ sampleRate: rate });
    const windows = [...planner.push({ start: 3, audio: loud }), ...planner.flush()];
    const bounds = windows.map((w) => [w.start, w.end]);
    expect(bounds.map(([s]) => s)).toEqual([3, bounds[0]![1], bounds[1]![1]]);
    expect(bounds[0]![1]).toBeCloseTo(3 + 22.4, 1);
    expect(bounds[1]![1]).toBeCloseTo(3 + 47, 1);
    expect(bounds[2]![1]).toBe(78);
    const even = new WindowPlanner({ sampleRate: rate });
    const flat = [...even.push({ start: 0, audio: new Float32Array(65 * rate).fill(0.5) }), ...even.flush()];
    expect(flat.map((w) => [w.start, w.end])).toEqual([[0, 30], [30, 60], [60, 65]]);
    // After 2 s of speech and a pause, the long stretch fills the rest of the window rather than leave a 2 s one.
    const after = new WindowPlanner({ sampleRate: rate });
    const filled = [...after.push({ start: 1, audio: new Float32Array(2 * rate).fill(0.5) }), ...after.push({ start: 10, audio: new Float32Array(40 * rate).fill(0.5) }), ...after.flush()];
    expect(filled.map((w) => [w.samples.length / rate, w.start, w.end])).toEqual([[30, 1, 37.9], [12.1, 37.9, 50]]);
  });

  it("joins segments that overlap (the VAD's pads around its cut of long speech) into one stretch, the overlap once", () => {
    const windows = plan([[0, 20.03], [19.97, 25]]);
    expect(windows.map((w) => w.pieces)).toEqual([[{ at: 0, from: 0, length: 2500 }]]);
    expect(Array.from(windows[0]!.samples.subarray(1995, 2010))).toEqual(Array.from({ length: 15 }, (_, i) => 1996 + i));
  });

  it('refuses segments out of order and bad options with INVALID_ARGUMENT naming the parameter', () => {
    const planner = new WindowPlanner({ sampleRate: RATE });
    planner.push(segment(10, 11));
    expect(() => planner.push(segment(5, 6))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', parameter: 'segments' }));
    for (const [options, parameter] of [[{ maxSeconds: 0 }, 'maxSeconds'], [{ gapSeconds: Number.NaN }, 'gapSeconds'], [{ gapSeconds: 20 }, 'gapSeconds'], [{ sampleRate: -1 }, 'sampleRate']] as const) {
      expect(() => new WindowPlanner(options)).toThrow(expect.objectContaining({ name: 'DlError', code: 'INVALID_ARGUMENT', parameter }));
    }
  });
});
