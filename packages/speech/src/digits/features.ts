import { LogMel } from '../features/log-mel.js';
import { SAMPLE_RATE } from '../audio/read-audio.js';

/**
 * What the digits model hears: 32 log-mel bands up to 3.8 kHz (so that 8 kHz telephone-band recordings and
 * full-band ones look alike), 25 ms windows every 15 ms, 64 frames (0.96 s) per word.
 */
export const DIGIT_FEATURES = { sampleRate: SAMPLE_RATE, window: 400, hop: 240, fftSize: 512, mels: 32, minHz: 60, maxHz: 3800, frames: 64 } as const;

/** How speech is cut into words, the same in training and in transcription (so the model sees what it learnt on). */
export const DIGIT_VAD = { padMs: 50 } as const;

export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** The model's 11th class: speech that is not a digit, and noise. The recogniser answers it as `text: ''`. */
export const UNKNOWN_LABEL = 'unknown';
export const DIGIT_LABELS = [...DIGIT_WORDS, UNKNOWN_LABEL] as const;

const logMel = new LogMel(DIGIT_FEATURES);

/**
 * A spoken word as the model's input [frames x mels]: log-mel, normalised to zero mean and unit variance over the
 * word (level and channel do not matter), centred on its loudest 0.96 s, padded with the mean. `shift` moves
 * it by whole frames (augmentation).
 */
export function digitFeatures(samples: Float32Array, shift = 0): Float32Array {
  const { frames, mels } = DIGIT_FEATURES;
  const out = new Float32Array(frames * mels);
  const spectrum = logMel.compute(samples);
  const n = spectrum.length / mels;
  if (n === 0) return out;
  // At most 60 dB below the loudest band: digital silence (exact zeros) would otherwise sit 200 dB down and
  // swamp the normalisation, where recorded silence sits at the microphone's noise floor.
  let loudest = -Infinity;
  for (const v of spectrum) loudest = Math.max(loudest, v);
  const floor = loudest - Math.log(1e6);
  for (let i = 0; i < spectrum.length; i++) spectrum[i] = Math.max(spectrum[i]!, floor);
  let mean = 0;
  for (const v of spectrum) mean += v;
  mean /= spectrum.length;
  let variance = 0;
  for (const v of spectrum) variance += (v - mean) ** 2;
  const std = Math.sqrt(variance / spectrum.length) || 1;
  // Frame energies pick the loudest window when the word is longer than the canvas.
  let first = 0;
  if (n > frames) {
    const energy = Array.from({ length: n }, (_, f) => spectrum.subarray(f * mels, (f + 1) * mels).reduce((a, b) => a + b, 0));
    let best = -Infinity;
    let sum = energy.slice(0, frames).reduce((a, b) => a + b, 0);
    for (let start = 0; start + frames <= n; start++) {
      if (start > 0) sum += energy[start + frames - 1]! - energy[start - 1]!;
      if (sum > best) [best, first] = [sum, start];
    }
  }
  const used = Math.min(n, frames);
  const at = Math.max(0, Math.min(frames - used, Math.floor((frames - used) / 2) + shift));
  for (let f = 0; f < used; f++) {
    for (let m = 0; m < mels; m++) out[(at + f) * mels + m] = (spectrum[(first + f) * mels + m]! - mean) / std;
  }
  return out;
}
