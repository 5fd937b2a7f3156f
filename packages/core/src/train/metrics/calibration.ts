import { DlError } from '../../errors.js';

/** Equal-width confidence bins, as in Guo et al. 2017 ("On Calibration of Modern Neural Networks"). */
export const DEFAULT_CALIBRATION_BINS = 15;

/** One row of a reliability table: the examples whose confidence fell in [lower, upper). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's examples; null when the bin is empty. */
  confidence: number | null;
  /** Fraction of them predicted right; null when the bin is empty. */
  accuracy: number | null;
}

export interface CalibrationReport {
  /** Expected calibration error: the count-weighted mean of |accuracy - confidence| over the bins, 0 to 1. */
  ece: number;
  /** The largest gap of a non-empty bin. */
  maxGap: number;
  bins: ReliabilityBin[];
}

/**
 * Accumulates (confidence, right or wrong) pairs into equal-width bins, one example at a time, so that a large
 * test set is never held: the confidence is the probability of the predicted class.
 */
export class CalibrationBins {
  private readonly count: number[];
  private readonly confidence: number[];
  private readonly correct: number[];
  private total = 0;

  constructor(readonly bins = DEFAULT_CALIBRATION_BINS) {
    if (!Number.isInteger(bins) || bins < 1) throw new DlError('INVALID_ARGUMENT', `calibration bins must be a positive integer, got ${bins}`, { parameter: 'bins' });
    [this.count, this.confidence, this.correct] = [0, 1, 2].map(() => new Array<number>(bins).fill(0)) as [number[], number[], number[]];
  }

  add(confidence: number, correct: boolean): void {
    if (!(confidence >= 0 && confidence <= 1)) throw new DlError('INVALID_ARGUMENT', `a confidence is a probability in [0, 1], got ${confidence}`, { parameter: 'confidence' });
    // Confidence 1 belongs to the last bin, [1 - 1/bins, 1].
    const bin = Math.min(this.bins - 1, Math.floor(confidence * this.bins));
    this.count[bin]!++;
    this.confidence[bin]! += confidence;
    if (correct) this.correct[bin]!++;
    this.total++;
  }

  report(): CalibrationReport {
    let ece = 0;
    let maxGap = 0;
    const bins = this.count.map((count, b): ReliabilityBin => {
      const [lower, upper] = [b / this.bins, (b + 1) / this.bins];
      if (count === 0) return { lower, upper, count, confidence: null, accuracy: null };
      const confidence = this.confidence[b]! / count;
      const accuracy = this.correct[b]! / count;
      const gap = Math.abs(accuracy - confidence);
      ece += (count / this.total) * gap;
      maxGap = Math.max(maxGap, gap);
      return { lower, upper, count, confidence, accuracy };
    });
    return { ece, maxGap, bins };
  }
}

/** Expected calibration error and reliability table of predictions: `confidence[i]` and whether `correct[i]`. */
export function calibration(confidence: ArrayLike<number>, correct: ArrayLike<boolean>, bins = DEFAULT_CALIBRATION_BINS): CalibrationReport {
  if (confidence.length !== correct.length) throw new DlError('INVALID_ARGUMENT', `${confidence.length} confidences for ${correct.length} outcomes`, { parameter: 'correct' });
  const acc = new CalibrationBins(bins);
  for (let i = 0; i < confidence.length; i++) acc.add(confidence[i]!, correct[i]!);
  return acc.report();
}
