import { DlError } from '@dlkit/core';
import { concatSamples } from './samples.js';

/**
 * Sample-rate conversion by band-limited (windowed-sinc) interpolation: each output sample is a Kaiser-windowed
 * sinc sum of the input around its position, with the cut-off at the lower of the two Nyquist frequencies, so
 * that downsampling does not fold high frequencies back into the band (aliasing) the way picking or linearly
 * interpolating samples does. Streaming: feed chunks of any size, then `flush()`.
 */
export class Resampler {
  private readonly step: number;
  private readonly cutoff: number;
  /** Input samples either side of an output position that the kernel reaches. */
  private readonly reach: number;
  private readonly table: Float32Array;
  private buffer = new Float32Array(0);
  /** Index in `buffer` (fractional) of the next output sample. */
  private position = 0;

  static readonly ZERO_CROSSINGS = 16;
  private static readonly RESOLUTION = 512;

  constructor(readonly inputRate: number, readonly outputRate: number) {
    if (!(inputRate > 0 && outputRate > 0 && Number.isFinite(inputRate) && Number.isFinite(outputRate))) {
      throw new DlError('INVALID_ARGUMENT', `sample rates must be positive and finite (got ${inputRate} Hz -> ${outputRate} Hz)`);
    }
    this.step = inputRate / outputRate;
    this.cutoff = Math.min(1, outputRate / inputRate) * 0.95;
    this.reach = Math.ceil(Resampler.ZERO_CROSSINGS / this.cutoff);
    this.table = Resampler.kernelTable(this.cutoff * this.reach);
    // Start with `reach` zeros of history so that the first output sample sits on the first input sample.
    this.buffer = new Float32Array(this.reach);
    this.position = this.reach;
  }

  /**
   * The Kaiser-windowed sinc, symmetric, tabulated over [0, span] in units of `cutoff * distance` (its zero
   * crossings) rather than of input samples: the window and the sinc are both functions of that product, so one
   * table of about 17 x 512 entries serves any ratio, where a table in input samples grows with the ratio (a
   * header declaring 4 GHz asked for 9 GB). `span` = cutoff * reach, just above ZERO_CROSSINGS.
   */
  private static kernelTable(span: number): Float32Array {
    const n = Math.ceil(span * Resampler.RESOLUTION) + 2;
    const table = new Float32Array(n);
    const beta = 8.6;
    const i0 = (x: number) => {
      let sum = 1;
      let term = 1;
      for (let k = 1; k < 30; k++) {
        term *= (x / (2 * k)) ** 2;
        sum += term;
      }
      return sum;
    };
    for (let i = 0; i < n; i++) {
      const t = i / Resampler.RESOLUTION;
      const r = t / span;
      const window = r >= 1 ? 0 : i0(beta * Math.sqrt(1 - r * r)) / i0(beta);
      table[i] = (t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t)) * window;
    }
    return table;
  }

  private kernel(distance: number): number {
    const x = Math.abs(distance) * this.cutoff * Resampler.RESOLUTION;
    const i = Math.floor(x);
    if (i + 1 >= this.table.length) return 0;
    const f = x - i;
    return this.cutoff * (this.table[i]! * (1 - f) + this.table[i + 1]! * f);
  }

  /** Resamples the next chunk; returns the output samples that are complete so far. */
  process(chunk: Float32Array): Float32Array {
    if (this.inputRate === this.outputRate) return chunk;
    this.buffer = concatSamples(this.buffer, chunk);
    return this.drain(this.buffer.length - this.reach - 1);
  }

  /** The last output samples (the input's end, padded with silence). */
  flush(): Float32Array {
    if (this.inputRate === this.outputRate) return new Float32Array(0);
    const end = this.buffer.length;
    const padded = new Float32Array(end + this.reach + 1);
    padded.set(this.buffer);
    this.buffer = padded;
    return this.drain(end - 1e-9);
  }

  private drain(limit: number): Float32Array {
    const out: number[] = [];
    const buffer = this.buffer;
    while (this.position <= limit) {
      const center = Math.floor(this.position);
      let sum = 0;
      for (let k = center - this.reach + 1; k <= center + this.reach; k++) {
        if (k >= 0 && k < buffer.length) sum += buffer[k]! * this.kernel(this.position - k);
      }
      out.push(sum);
      this.position += this.step;
    }
    // Keep only the history the next outputs need.
    const keep = Math.max(0, Math.floor(this.position) - this.reach);
    if (keep > 0) {
      this.buffer = this.buffer.slice(keep);
      this.position -= keep;
    }
    return Float32Array.from(out);
  }
}

/** A whole signal at another rate. */
export function resample(samples: Float32Array, inputRate: number, outputRate: number): Float32Array {
  if (inputRate === outputRate) return samples;
  const r = new Resampler(inputRate, outputRate);
  return concatSamples(r.process(samples), r.flush());
}
