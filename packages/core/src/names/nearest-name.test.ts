import { describe, expect, it } from 'vitest';
import { nearestName } from './nearest-name.js';

describe('nearestName: the candidate a typo meant', () => {
  it('finds the nearest by edit distance, case-insensitively, first of equals', () => {
    expect(nearestName('clasify', ['detect', 'classify', 'faces'])).toBe('classify');
    expect(nearestName('CAT', ['dog', 'cat'])).toBe('cat');
    expect(nearestName('ab', ['ax', 'ay'])).toBe('ax');
  });

  it('suggests nothing when every candidate is further than maxDistance', () => {
    expect(nearestName('frobnicate', ['topk', 'model', 'json'], 3)).toBeUndefined();
    expect(nearestName('tpok', ['topk', 'model', 'json'], 3)).toBe('topk');
  });
});
