export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Examples of this class. */
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  /** Fraction whose true class is among the k highest scores, for each k asked for. */
  topK: Record<string, number>;
  perClass: ClassMetrics[];
  /**
   * The mean F1 of the classes that occur among the true labels or the predictions (scikit-learn's default): a
   * class the model can answer but this set neither has nor was given (speech-digits' `unknown`) counts for none.
   */
  macroF1: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  count: number;
}

/**
 * Accumulates predictions batch by batch (scores never all held at once) into accuracy, top-k, per-class
 * precision / recall / F1 and the confusion matrix.
 */
export class ClassificationMetrics {
  private readonly confusion: number[][];
  private readonly topHits: number[];
  private count = 0;

  constructor(
    private readonly classes: readonly string[],
    private readonly ks: readonly number[] = [],
  ) {
    this.confusion = classes.map(() => classes.map(() => 0));
    this.topHits = ks.map(() => 0);
  }

  /** `scores`: `labels.length` rows of one score per class. */
  update(scores: Float32Array, labels: Int32Array): void {
    const n = this.classes.length;
    for (let i = 0; i < labels.length; i++) {
      const row = scores.subarray(i * n, (i + 1) * n);
      const truth = labels[i]!;
      let best = 0;
      let higher = 0;
      for (let c = 0; c < n; c++) {
        if (row[c]! > row[best]!) best = c;
        if (row[c]! > row[truth]!) higher++;
      }
      this.confusion[truth]![best]!++;
      this.ks.forEach((k, j) => {
        if (higher < k) this.topHits[j]!++;
      });
      this.count++;
    }
  }

  report(): ClassificationReport {
    const predictions = this.classes.map((_, c) => this.confusion.reduce((a, row) => a + row[c]!, 0));
    const perClass = this.classes.map((label, c) => {
      const tp = this.confusion[c]![c]!;
      const support = this.confusion[c]!.reduce((a, b) => a + b, 0);
      const precision = predictions[c] === 0 ? 0 : tp / predictions[c]!;
      const recall = support === 0 ? 0 : tp / support;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { label, precision, recall, f1, support };
    });
    const present = perClass.filter((m, c) => m.support > 0 || predictions[c]! > 0);
    const correct = this.confusion.reduce((a, row, c) => a + row[c]!, 0);
    return {
      accuracy: this.count === 0 ? 0 : correct / this.count,
      topK: Object.fromEntries(this.ks.map((k, j) => [`top${k}`, this.count === 0 ? 0 : this.topHits[j]! / this.count])),
      perClass,
      macroF1: present.length === 0 ? 0 : present.reduce((a, m) => a + m.f1, 0) / present.length,
      confusion: this.confusion.map((row) => [...row]),
      count: this.count,
    };
  }
}
