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
});
