import { DlError } from '../../errors.js';
import { CalibrationBins, DEFAULT_CALIBRATION_BINS, type CalibrationReport } from './calibration.js';
import { ClassificationMetrics, type ClassificationReport } from './classification.js';

/** A wrong prediction: which example, its true class, the class predicted and that class's probability. */
export interface Misclassified {
  /** The example's index as the caller numbered it (default: its position in the evaluated order, 0-based). */
  index: number;
  /** What the example is, when the caller named it (a file path, a row number). */
  input?: string;
  label: string;
  predicted: string;
  /** Probability of the predicted class. */
  score: number;
  /** Probability the model gave the true class. */
  labelScore: number;
}

export interface EvaluationReport extends ClassificationReport {
  calibration: CalibrationReport;
  /** The most confident mistakes, most confident first (at most `keepMisclassified`). */
  misclassified: Misclassified[];
  /** All wrong predictions, whether kept in `misclassified` or not. */
  errors: number;
}

export interface EvaluationMetricsOptions {
  /** Top-k accuracies to report (see `ClassificationMetrics`). */
  topK?: readonly number[];
  /** Calibration bins (default 15). */
  bins?: number;
  /** How many of the most confident mistakes to keep (default 50). */
  keepMisclassified?: number;
}

const byConfidence = (a: Misclassified, b: Misclassified) => b.score - a.score || a.index - b.index;

/**
 * Everything `dl evaluate` reports, accumulated batch by batch from class probabilities: the classification report
 * (accuracy, per-class precision / recall / F1, confusion matrix), calibration (ECE and its reliability table)
 * and the most confident mistakes. Probabilities, not logits: calibration reads them as confidences.
 */
export class EvaluationMetrics {
  private readonly classification: ClassificationMetrics;
  private readonly calibration: CalibrationBins;
  private readonly keep: number;
  private mistakes: Misclassified[] = [];
  private errors = 0;
  private seen = 0;

  constructor(
    private readonly classes: readonly string[],
    options: EvaluationMetricsOptions = {},
  ) {
    this.classification = new ClassificationMetrics(classes, options.topK ?? []);
    this.calibration = new CalibrationBins(options.bins ?? DEFAULT_CALIBRATION_BINS);
    this.keep = options.keepMisclassified ?? 50;
  }

  /**
   * `probabilities`: `labels.length` rows of one probability per class. `examples` numbers and names them for the
   * misclassified list (`indices[i]`: example i's index in its set, `inputs[i]`: its file), when given.
   */
  update(probabilities: Float32Array, labels: Int32Array, examples: { indices?: readonly number[]; inputs?: readonly string[] } = {}): void {
    const n = this.classes.length;
    if (probabilities.length !== labels.length * n) {
      throw new DlError('INVALID_ARGUMENT', `${probabilities.length} probabilities for ${labels.length} examples of ${n} classes`, { parameter: 'probabilities' });
    }
    this.classification.update(probabilities, labels);
    for (let i = 0; i < labels.length; i++) {
      const row = probabilities.subarray(i * n, (i + 1) * n);
      const truth = labels[i]!;
      let best = 0;
      for (let c = 1; c < n; c++) if (row[c]! > row[best]!) best = c;
      // A float32 softmax can exceed 1 by a rounding step.
      this.calibration.add(Math.min(1, Math.max(0, row[best]!)), best === truth);
      if (best !== truth) {
        const input = examples.inputs?.[i];
        this.mistake({ index: examples.indices?.[i] ?? this.seen, ...(input !== undefined ? { input } : {}), label: this.classes[truth]!, predicted: this.classes[best]!, score: row[best]!, labelScore: row[truth]! });
      }
      this.seen++;
    }
  }

  private mistake(m: Misclassified): void {
    this.errors++;
    this.mistakes.push(m);
    // Trimmed now and then, not per example: the list stays small without a sort for each mistake.
    if (this.mistakes.length >= 4 * this.keep + 64) this.mistakes = this.mistakes.sort(byConfidence).slice(0, this.keep);
  }

  report(): EvaluationReport {
    return {
      ...this.classification.report(),
      calibration: this.calibration.report(),
      misclassified: [...this.mistakes].sort(byConfidence).slice(0, this.keep),
      errors: this.errors,
    };
  }
}
