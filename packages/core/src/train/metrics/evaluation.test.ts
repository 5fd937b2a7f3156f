import { describe, expect, it } from 'vitest';
import { DlError } from '../../errors.js';
import { calibration, CalibrationBins } from './calibration.js';
import { EvaluationMetrics } from './evaluation.js';

describe('calibration (ECE, 15 equal-width bins)', () => {
  it('is 0 when every bin is as accurate as it is confident', () => {
    // Confidence 0.75 in one bin, right 3 times in 4.
    const r = calibration([0.75, 0.75, 0.75, 0.75], [true, true, true, false]);
    expect(r.ece).toBeCloseTo(0, 10);
    expect(r.bins).toHaveLength(15);
    expect(r.bins.filter((b) => b.count > 0)).toEqual([{ lower: 11 / 15, upper: 12 / 15, count: 4, confidence: 0.75, accuracy: 0.75 }]);
    expect(r.bins[0]).toEqual({ lower: 0, upper: 1 / 15, count: 0, confidence: null, accuracy: null });
  });

  it('weights each bin gap by its share of the examples', () => {
    // Bin of 0.95 (2 examples, both wrong: gap 0.95) and bin of 0.5 (2 examples, both right: gap 0.5).
    const r = calibration([0.95, 0.95, 0.5, 0.5], [false, false, true, true]);
    expect(r.ece).toBeCloseTo(0.5 * 0.95 + 0.5 * 0.5, 10);
    expect(r.maxGap).toBeCloseTo(0.95, 10);
  });

  it('puts confidence 1 in the last bin and refuses what is not a probability', () => {
    const bins = new CalibrationBins(15);
    bins.add(1, true);
    expect(bins.report().bins[14]!.count).toBe(1);
    expect(() => bins.add(1.5, true)).toThrow(DlError);
    expect(() => bins.add(Number.NaN, true)).toThrow(/probability/);
    expect(() => new CalibrationBins(0)).toThrow(DlError);
  });
});

describe('EvaluationMetrics', () => {
  it('reports accuracy, per-class figures, the confusion matrix, ECE and the most confident mistakes first', () => {
    const m = new EvaluationMetrics(['cat', 'dog', 'fox'], { keepMisclassified: 2 });
    // truth cat, cat, dog, fox, fox ; predicted cat, dog (0.6), dog, cat (0.9), fox
    m.update(new Float32Array([0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.1, 0.7, 0.2]), new Int32Array([0, 0, 1]), { inputs: ['a.png', 'b.png', 'c.png'] });
    m.update(new Float32Array([0.9, 0.05, 0.05, 0.2, 0.1, 0.7]), new Int32Array([2, 2]), { inputs: ['d.png', 'e.png'] });
    const r = m.report();
    expect(r.count).toBe(5);
    expect(r.accuracy).toBeCloseTo(3 / 5);
    expect(r.confusion).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 1],
    ]);
    expect(r.perClass.map((c) => [c.label, c.precision, c.recall])).toEqual([
      ['cat', 0.5, 0.5],
      ['dog', 0.5, 1],
      ['fox', 1, 0.5],
    ]);
    expect(r.errors).toBe(2);
    expect(r.misclassified.map((x) => [x.index, x.input, x.label, x.predicted, +x.score.toFixed(2), +x.labelScore.toFixed(2)])).toEqual([
      [3, 'd.png', 'fox', 'cat', 0.9, 0.05],
      [1, 'b.png', 'cat', 'dog', 0.6, 0.3],
    ]);
    // Per-example confidences 0.8, 0.6, 0.7, 0.9, 0.7 in bins of their own (0.7 twice: right both times).
    const expected = calibration([0.8, 0.6, 0.7, 0.9, 0.7], [true, false, true, false, true]);
    expect(r.calibration.ece).toBeCloseTo(expected.ece, 6);
  });

  it('keeps only the most confident mistakes of a long run, in order', () => {
    const m = new EvaluationMetrics(['a', 'b'], { keepMisclassified: 3 });
    const n = 1000;
    // Every example is wrong, with confidence rising with its index.
    const probs = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) [probs[2 * i], probs[2 * i + 1]] = [0.5 + (0.49 * i) / n, 0.5 - (0.49 * i) / n];
    m.update(probs.subarray(0, 2 * (n - 1)), new Int32Array(n - 1).fill(1));
    // The last one numbered by the caller.
    m.update(probs.subarray(2 * (n - 1)), new Int32Array([1]), { indices: [5000] });
    const r = m.report();
    expect(r.errors).toBe(n);
    expect(r.misclassified.map((x) => x.index)).toEqual([5000, 998, 997]);
  });

  it('refuses probabilities that do not match the examples and classes', () => {
    expect(() => new EvaluationMetrics(['a', 'b']).update(new Float32Array(3), new Int32Array(2))).toThrow(/3 probabilities for 2 examples of 2 classes/);
  });
});
