import type { Rng } from '@dlkit/core';
import { SAMPLE_RATE } from '../audio/read-audio.js';
import { resample } from '../audio/resample.js';
import { DIGIT_FEATURES, digitFeatures } from './features.js';

/** How the training examples are varied: offline on the waveform, and online (every epoch) on the features. */
export const DIGIT_AUGMENT = {
  /** Speed (pitch and formants move with it) up to +-15%, white noise at 10..40 dB SNR, shift up to 6 frames (90 ms). */
  waveform: { speed: 0.15, snrDb: [10, 40] as const, shiftFrames: 6 },
  /**
   * Vocal-tract-length perturbation on the mel axis (bands stretched by a factor up to +-12%), and SpecAugment:
   * up to two time masks of up to 8 frames and two frequency masks of up to 4 bands each.
   */
  features: { warp: 0.12, timeMasks: 2, timeMask: 8, bandMasks: 2, bandMask: 4 },
} as const;

export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** `samples` plus white noise at `snrDb` below their power. */
export function addNoise(samples: Float32Array, snrDb: number, rng: Rng): Float32Array {
  let power = 0;
  for (const v of samples) power += v * v;
  const sigma = Math.sqrt(power / (samples.length || 1) / 10 ** (snrDb / 10));
  return Float32Array.from(samples, (v) => v + sigma * gaussian(rng));
}

/** One augmented copy of a recording's features, drawing only from `rng`: speed, noise, shift. */
export function augmentRecording(samples: Float32Array, rng: Rng): Float32Array {
  const { speed, snrDb, shiftFrames } = DIGIT_AUGMENT.waveform;
  const factor = 1 + (rng() * 2 - 1) * speed;
  const sped = resample(samples, SAMPLE_RATE, Math.round(SAMPLE_RATE / factor));
  const noisy = addNoise(sped, snrDb[0] + rng() * (snrDb[1] - snrDb[0]), rng);
  return digitFeatures(noisy, Math.round((rng() * 2 - 1) * shiftFrames));
}

/**
 * Stretches every frame's bands by `factor` about band 0 (linear interpolation, the top band held): a longer or
 * shorter vocal tract moves the formants by a factor, which on the mel axis is close to a stretch.
 */
export function warpBands(features: Float32Array, factor: number): Float32Array {
  const { frames, mels } = DIGIT_FEATURES;
  const out = new Float32Array(features.length);
  for (let f = 0; f < frames; f++) {
    for (let m = 0; m < mels; m++) {
      const at = Math.min(mels - 1, m / factor);
      const lo = Math.floor(at);
      const hi = Math.min(mels - 1, lo + 1);
      out[f * mels + m] = features[f * mels + lo]! * (1 - (at - lo)) + features[f * mels + hi]! * (at - lo);
    }
  }
  return out;
}

/** SpecAugment masks: spans of frames and of bands set to 0 (the word's mean, after normalisation). */
export function maskFeatures(features: Float32Array, rng: Rng): Float32Array {
  const { frames, mels } = DIGIT_FEATURES;
  const { timeMasks, timeMask, bandMasks, bandMask } = DIGIT_AUGMENT.features;
  const out = features.slice();
  for (let k = 0; k < timeMasks; k++) {
    const width = Math.floor(rng() * (timeMask + 1));
    const start = Math.floor(rng() * (frames - width));
    out.fill(0, start * mels, (start + width) * mels);
  }
  for (let k = 0; k < bandMasks; k++) {
    const width = Math.floor(rng() * (bandMask + 1));
    const start = Math.floor(rng() * (mels - width));
    for (let f = 0; f < frames; f++) out.fill(0, f * mels + start, f * mels + start + width);
  }
  return out;
}

/** fit's online augmentation of one example: a vocal-tract warp, then masks. */
export function augmentFeatures(features: Float32Array, rng: Rng): Float32Array {
  const factor = 1 + (rng() * 2 - 1) * DIGIT_AUGMENT.features.warp;
  return maskFeatures(warpBands(features, factor), rng);
}
