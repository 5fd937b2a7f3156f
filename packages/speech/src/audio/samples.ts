import { DlError } from '@dlkit/core';

/** Sample arrays one after another, in one new array. */
export function concatSamples(...parts: readonly Float32Array[]): Float32Array<ArrayBuffer> {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Throws when a decoded sample is NaN or infinite: one such sample poisons every sum downstream (resampler, VAD,
 * features), so it is refused where it enters rather than transcribed as noise. `offset` is the index of
 * `samples[0]` in the input, for the message.
 */
export function assertFinite(samples: Float32Array, name: string, offset = 0): void {
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i]!)) throw new DlError('INPUT_UNREADABLE', `${name}: sample ${offset + i} is ${samples[i]} (corrupt audio)`);
  }
}
