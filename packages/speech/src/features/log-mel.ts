import { fft } from './fft.js';

export interface MelOptions {
  sampleRate: number;
  /** Analysis window and hop, in samples. */
  window: number;
  hop: number;
  fftSize: number;
  mels: number;
  minHz: number;
  maxHz: number;
}

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** Triangular mel filters (HTK scale) over the FFT bins, as rows of weights. */
export function melFilterbank(o: MelOptions): Float32Array[] {
  const bins = o.fftSize / 2 + 1;
  const lo = hzToMel(o.minHz);
  const hi = hzToMel(o.maxHz);
  const edges = Array.from({ length: o.mels + 2 }, (_, i) => (melToHz(lo + ((hi - lo) * i) / (o.mels + 1)) * o.fftSize) / o.sampleRate);
  return Array.from({ length: o.mels }, (_, m) => {
    const row = new Float32Array(bins);
    const [left, center, right] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
    for (let b = 0; b < bins; b++) {
      if (b > left && b < right) row[b] = b <= center ? (b - left) / (center - left) : (right - b) / (right - center);
    }
    return row;
  });
}

/**
 * Log-mel spectrogram: Hann-windowed frames every `hop` samples, power spectrum, mel filters, log. Returns
 * frames x mels, row-major. Computed here because tfjs's FFT kernels are missing on wasm.
 */
export class LogMel {
  private readonly filters: Float32Array[];
  private readonly hann: Float64Array;

  constructor(readonly options: MelOptions) {
    this.filters = melFilterbank(options);
    this.hann = Float64Array.from({ length: options.window }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / options.window));
  }

  frameCount(samples: number): number {
    return samples < this.options.window ? 0 : 1 + Math.floor((samples - this.options.window) / this.options.hop);
  }

  compute(samples: Float32Array): Float32Array {
    const { window, hop, fftSize, mels } = this.options;
    const frames = this.frameCount(samples.length);
    const out = new Float32Array(frames * mels);
    const re = new Float64Array(fftSize);
    const im = new Float64Array(fftSize);
    const bins = fftSize / 2 + 1;
    const power = new Float64Array(bins);
    for (let f = 0; f < frames; f++) {
      re.fill(0);
      im.fill(0);
      for (let i = 0; i < window; i++) re[i] = samples[f * hop + i]! * this.hann[i]!;
      fft(re, im);
      for (let b = 0; b < bins; b++) power[b] = re[b]! * re[b]! + im[b]! * im[b]!;
      for (let m = 0; m < mels; m++) {
        const filter = this.filters[m]!;
        let sum = 0;
        for (let b = 0; b < bins; b++) sum += filter[b]! * power[b]!;
        out[f * mels + m] = Math.log(sum + 1e-10);
      }
    }
    return out;
  }
}
