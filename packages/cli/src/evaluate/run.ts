import { DlError, EvaluationMetrics, type EvaluationReport } from '@dlkit/core';
import type { Scoring } from './scoring.js';

/** Examples scored per call: a batch through the network, small enough for steady progress. */
const BATCH = 64;

export interface RunOptions {
  /** Evaluate this many examples, spread evenly over the set (sets are often sorted by class). */
  limit?: number | undefined;
  /** How many of the most confident mistakes to keep. */
  keepMisclassified?: number;
  onProgress?: (done: number, total: number) => void;
  /** Told of each example that could not be scored (it is left out of the figures). */
  onSkip?: (input: string, error: DlError) => void;
}

export interface RunResult {
  report: EvaluationReport;
  /** Examples asked for that could not be scored (an unreadable file). */
  skipped: number;
}

/**
 * Where each of the set's classes is among the model's labels; a class the model does not know is
 * DATASET_INVALID naming them (an evaluation against the wrong labels would be numbers about nothing).
 */
export function classMapping(dataClasses: readonly string[], modelLabels: readonly string[], source: string, model: string): Int32Array {
  const unknown = dataClasses.filter((c) => !modelLabels.includes(c));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 10).map((c) => `'${c}'`).join(', ');
    throw new DlError(
      'DATASET_INVALID',
      `${source} has ${unknown.length === 1 ? 'a class' : `${unknown.length} classes`} that model ${model} does not predict: ${shown}${unknown.length > 10 ? ', ...' : ''} (its labels: ${modelLabels.slice(0, 20).join(', ')}${modelLabels.length > 20 ? ', ...' : ''})`,
    );
  }
  return Int32Array.from(dataClasses, (c) => modelLabels.indexOf(c));
}

/** `limit` positions spread evenly from the first to the last example (all of them without a limit). */
export function spreadIndices(size: number, limit: number | undefined): number[] {
  const n = limit === undefined ? size : Math.min(size, limit);
  return Array.from({ length: n }, (_, i) => (n === size ? i : Math.floor((i * size) / n)));
}

/** Scores the set batch by batch into the evaluation report (over the model's labels). */
export async function runEvaluation(scoring: Scoring, modelLabels: readonly string[], model: string, options: RunOptions = {}): Promise<RunResult> {
  const mapping = classMapping(scoring.classes, modelLabels, scoring.source, model);
  const indices = spreadIndices(scoring.labels.length, options.limit);
  if (indices.length === 0) throw new DlError('DATASET_INVALID', `${scoring.source} has no examples`);
  const metrics = new EvaluationMetrics(modelLabels, { topK: modelLabels.length > 5 ? [5] : [], keepMisclassified: options.keepMisclassified ?? 100 });
  let skipped = 0;
  for (let from = 0; from < indices.length; from += BATCH) {
    const batch = indices.slice(from, from + BATCH);
    const scored = await scoring.score(batch);
    const kept = batch.flatMap((index, i) => {
      const s = scored[i]!;
      if (s.ok) return [{ index, probabilities: s.value }];
      skipped++;
      options.onSkip?.(scoring.inputs?.[index] ?? `example ${index}`, s.error);
      return [];
    });
    const probabilities = new Float32Array(kept.length * modelLabels.length);
    kept.forEach((k, i) => probabilities.set(k.probabilities, i * modelLabels.length));
    const labels = Int32Array.from(kept, (k) => mapping[scoring.labels[k.index]!]!);
    const inputs = scoring.inputs;
    metrics.update(probabilities, labels, { indices: kept.map((k) => k.index), ...(inputs ? { inputs: kept.map((k) => inputs[k.index]!) } : {}) });
    options.onProgress?.(Math.min(indices.length, from + BATCH), indices.length);
  }
  const report = metrics.report();
  if (report.count === 0) throw new DlError('DATASET_INVALID', `None of the ${indices.length} examples of ${scoring.source} could be scored`);
  return { report, skipped };
}
