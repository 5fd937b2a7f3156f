import type { Rng } from '@dlkit/core';
import { SAMPLE_RATE } from '../audio/read-audio.js';
import { gaussian } from './augment.js';

/**
 * Sounds that are not speech, at 16 kHz, peak `level` (0..1). Training's unknown class hears white and brown
 * noise and single tones; pink noise and chords are kept for the rejection checks (tests and bench).
 */
export type NoiseKind = 'white' | 'pink' | 'brown' | 'tone' | 'chord';

const length = (seconds: number) => Math.max(1, Math.round(seconds * SAMPLE_RATE));

function scaled(samples: Float32Array, level: number): Float32Array {
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  const k = peak > 0 ? level / peak : 0;
  return samples.map((v) => v * k);
}

/** Pink noise by Paul Kellet's economy filter on white noise (-3 dB per octave). */
function pink(n: number, rng: Rng): Float32Array {
  let [b0, b1, b2] = [0, 0, 0];
  return Float32Array.from({ length: n }, () => {
    const w = gaussian(rng);
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    return b0 + b1 + b2 + w * 0.1848;
  });
}

/** Brown noise: leaky integrated white noise (-6 dB per octave). */
function brown(n: number, rng: Rng): Float32Array {
  let y = 0;
  return Float32Array.from({ length: n }, () => (y = 0.995 * y + gaussian(rng)));
}

/** Sine partials with a few harmonics each, the way an instrument holds notes. */
function partials(n: number, hz: readonly number[]): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => {
    let v = 0;
    for (const f of hz) for (let h = 1; h <= 3; h++) v += Math.sin((2 * Math.PI * f * h * i) / SAMPLE_RATE) / h;
    return v;
  });
}

/** A major or minor triad on a root between 110 and 440 Hz. */
function chordNotes(rng: Rng): number[] {
  const root = 110 * 2 ** (rng() * 2);
  const third = rng() < 0.5 ? 4 : 3;
  return [0, third, 7].map((semitones) => root * 2 ** (semitones / 12));
}

export function noise(kind: NoiseKind, seconds: number, level: number, rng: Rng): Float32Array {
  const n = length(seconds);
  switch (kind) {
    case 'white':
      return scaled(Float32Array.from({ length: n }, () => gaussian(rng)), level);
    case 'pink':
      return scaled(pink(n, rng), level);
    case 'brown':
      return scaled(brown(n, rng), level);
    case 'tone':
      return scaled(partials(n, [100 * 2 ** (rng() * 4)]), level);
    case 'chord':
      return scaled(partials(n, chordNotes(rng)), level);
  }
}
