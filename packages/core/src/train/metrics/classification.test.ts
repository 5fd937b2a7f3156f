import { describe, expect, it } from 'vitest';
import { ClassificationMetrics } from './classification.js';

describe('classification metrics', () => {
  it('computes accuracy, top-k, per-class precision/recall/F1 and the confusion matrix', () => {
    const metrics = new ClassificationMetrics(['a', 'b', 'c'], [2]);
    // truth a,a,b,c ; predicted a,b,b,a ; second choice a? see rows
    metrics.update(new Float32Array([0.7, 0.2, 0.1, 0.4, 0.5, 0.1]), new Int32Array([0, 0]));
    metrics.update(new Float32Array([0.1, 0.8, 0.1, 0.5, 0.1, 0.4]), new Int32Array([1, 2]));
    const r = metrics.report();
    expect(r.count).toBe(4);
    expect(r.accuracy).toBe(0.5);
    expect(r.topK.top2).toBe(1);
    expect(r.confusion).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(r.perClass.map((c) => [c.label, c.precision, c.recall, +c.f1.toFixed(4), c.support])).toEqual([
      ['a', 0.5, 0.5, 0.5, 2],
      ['b', 0.5, 1, 0.6667, 1],
      ['c', 0, 0, 0, 1],
    ]);
    expect(r.macroF1).toBeCloseTo((0.5 + 2 / 3) / 3);
  });

  it('macro F1 averages the classes among the true labels or the predictions, as scikit-learn does (wiring only: tiny fixture)', () => {
    // Classes a, b, never (no example, never predicted) and wrong (never true, predicted once).
    const metrics = new ClassificationMetrics(['a', 'b', 'never', 'wrong']);
    const scores = [1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1];
    metrics.update(new Float32Array(scores), new Int32Array([0, 0, 1, 1]));
    const r = metrics.report();
    expect(r.perClass.map((c) => [c.label, c.f1, c.support])).toEqual([['a', 1, 2], ['b', 2 / 3, 2], ['never', 0, 0], ['wrong', 0, 0]]);
    // sklearn.metrics.f1_score([0, 0, 1, 1], [0, 0, 1, 3], average='macro') == (1 + 2/3 + 0) / 3
    expect(r.macroF1).toBeCloseTo((1 + 2 / 3) / 3, 12);
    expect(new ClassificationMetrics(['a', 'b']).report().macroF1).toBe(0);
  });
});
