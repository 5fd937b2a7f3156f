import type { Settled } from '@dlkit/core';

/**
 * A labelled set and the model's way of scoring its examples: what `dl evaluate` walks. Labels index `classes`
 * (the set's class names, mapped onto the model's labels by name before any example is scored).
 */
export interface Scoring {
  /** What was evaluated, for the output (`mnist:test`, a folder, a file). */
  source: string;
  classes: readonly string[];
  labels: Int32Array;
  /** Each example's name for the misclassified list (a file path, a row's line); absent: its index. */
  inputs?: readonly string[];
  /** Probabilities over the model's labels, one Float32Array per example asked for, or why it could not be scored. */
  score(indices: readonly number[]): Promise<Array<Settled<Float32Array>>>;
  dispose(): Promise<void>;
}

/** A `[{label, score}]` answer (every label asked for) as probabilities in the model's label order. */
export function labelScores(ranked: ReadonlyArray<{ label: string; score: number }>, labels: readonly string[]): Float32Array {
  const byLabel = new Map(ranked.map((r) => [r.label, r.score]));
  return Float32Array.from(labels, (label) => byLabel.get(label) ?? 0);
}

/** Scores examples through a task pipeline (`each`: a bad example fails alone) asking for every label. */
export function pipelineScorer<In>(
  pipeline: { each(inputs: readonly In[], options: { topK: number }): Promise<Array<Settled<ReadonlyArray<{ label: string; score: number }>>>> },
  inputs: (indices: readonly number[]) => Promise<In[]> | In[],
  labels: readonly string[],
): Scoring['score'] {
  return async (indices) => {
    const results = await pipeline.each(await inputs(indices), { topK: labels.length });
    return results.map((r) => (r.ok ? { ok: true, value: labelScores(r.value, labels) } : r));
  };
}
