import { describe, expect, it } from 'vitest';
import { classMapping, runEvaluation, spreadIndices } from './run.js';
import type { Scoring } from './scoring.js';

describe('dl evaluate: the loop over a set', () => {
  it('spreads --limit over the whole set (sets are often sorted by class)', () => {
    expect(spreadIndices(10, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(spreadIndices(3, 10)).toEqual([0, 1, 2]);
    expect(spreadIndices(4, undefined)).toEqual([0, 1, 2, 3]);
  });

  it("maps the set's classes onto the model's labels by name, and names those the model does not predict", () => {
    expect(Array.from(classMapping(['dog', 'cat'], ['cat', 'dog', 'fox'], 'pets', 'm'))).toEqual([1, 0]);
    expect(() => classMapping(['cat', 'cow', 'hen'], ['cat', 'dog'], 'farm/', 'm')).toThrow(/farm\/ has 2 classes that model m does not predict: 'cow', 'hen'/);
  });

  it('leaves out what cannot be scored, counts it, and names mistakes by their index in the set (tiny fixture: wiring only)', async () => {
    const scoring: Scoring = {
      source: 'fixture',
      classes: ['b', 'a'],
      labels: Int32Array.from([0, 1, 0, 1, 0, 1]),
      async score(indices) {
        // Example 2 is unreadable; every other one is predicted 'a' with 0.9.
        return indices.map((i) => (i === 2 ? { ok: false as const, error: Object.assign(new Error('bad'), { code: 'INPUT_UNREADABLE' }) as never } : { ok: true as const, value: Float32Array.from([0.9, 0.1]) }));
      },
      dispose: async () => {},
    };
    const skipped: string[] = [];
    const { report, skipped: count } = await runEvaluation(scoring, ['a', 'b'], 'm', { onSkip: (input) => skipped.push(input) });
    expect([count, skipped]).toEqual([1, ['example 2']]);
    expect(report.count).toBe(5);
    expect(report.accuracy).toBeCloseTo(3 / 5);
    expect(report.misclassified.map((m) => [m.index, m.label, m.predicted])).toEqual([
      [0, 'b', 'a'],
      [4, 'b', 'a'],
    ]);
  });
});
