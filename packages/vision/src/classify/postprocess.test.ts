import { describe, expect, it } from 'vitest';
import { softmax, topK } from './postprocess.js';

describe('classification post-processing', () => {
  it('softmax is stable for large logits and sums to 1', () => {
    const p = softmax([1000, 1001, 1002]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[2]).toBeGreaterThan(p[1]!);
  });

  it('topK returns the most probable labels first, at most as many as there are', () => {
    expect(topK([0.1, 0.7, 0.2], ['a', 'b', 'c'], 2)).toEqual([
      { label: 'b', score: 0.7 },
      { label: 'c', score: 0.2 },
    ]);
    expect(topK([0.1, 0.9], ['a', 'b'], 5)).toHaveLength(2);
  });

  it('topK gives what sorting every score gives, equal scores lower index first (tiny random scores)', () => {
    const labels = Array.from({ length: 50 }, (_, i) => `class ${i}`);
    for (let round = 0; round < 20; round++) {
      // Rounded to tenths, so that ties are common.
      const scores = Array.from({ length: 50 }, () => Math.round(Math.random() * 10) / 10);
      const sorted = scores.map((score, i) => ({ label: labels[i]!, score })).sort((a, b) => b.score - a.score);
      for (const k of [1, 5, 50]) expect(topK(scores, labels, k)).toEqual(sorted.slice(0, k));
    }
  });
});
