import { progressBar } from '@dlkit/core';
import { fineTuneTextClassifier, type FineTuneSummary } from '@dlkit/nlp';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { nonNegativeInt, positiveInt } from './arguments.js';
import { interruptible, MAX_EPOCHS, workerBound } from './train.js';

export interface NlpFineTuneArgs {
  files: string[];
  textColumn?: string;
  labelColumn?: string;
  out?: string;
  base?: string;
  vectors?: string;
  epochs?: string;
  seed?: string;
  workers?: string;
  /** Replace a model already in --out. */
  force?: boolean;
}

/** `dl nlp fine-tune data.csv --text-column t --label-column y --out dir`: a text classifier on your labels. */
export async function nlpFineTune(args: NlpFineTuneArgs, out: Output): Promise<number> {
  if (args.files.length !== 1) throw new UsageError('nlp fine-tune takes one CSV or JSONL file of labelled texts');
  if (args.textColumn === undefined || args.labelColumn === undefined) throw new UsageError('nlp fine-tune needs --text-column NAME and --label-column NAME');
  if (args.out === undefined) throw new UsageError('nlp fine-tune needs --out DIR for the model');
  const epochs = positiveInt('--epochs', args.epochs, MAX_EPOCHS);
  const seed = nonNegativeInt('--seed', args.seed);
  const workers = positiveInt('--workers', args.workers, workerBound());
  const { signal, release } = interruptible();
  try {
    const { result, saved, skipped } = await fineTuneTextClassifier({
      data: args.files[0]!,
      textColumn: args.textColumn,
      labelColumn: args.labelColumn,
      out: args.out,
      overwrite: args.force === true,
      base: args.base === 'none' ? null : args.base,
      signal,
      callbacks: [progressBar({ mode: out.json ? 'off' : undefined })],
      ...(args.vectors ? { vectors: args.vectors } : {}),
      // One --epochs for both branches: the n-gram branch fits in a few, the CNN needs its share.
      ...(epochs ? { epochs: { cnn: epochs, bag: Math.max(1, Math.round(epochs * 2 / 3)) } } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(workers ? { workers } : {}),
    });
    for (const row of skipped.slice(0, 5)) process.stderr.write(`dl: skipped ${row.input}: ${row.error.message}\n`);
    if (skipped.length > 5) process.stderr.write(`dl: skipped ${skipped.length - 5} more rows\n`);
    return report(result, saved.dir, args.files[0]!, out);
  } finally {
    release();
  }
}

const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);

/** What was chosen and why, the held-out figures of both kinds, where the model went. */
function report(result: FineTuneSummary, saved: string, input: string, out: Output): number {
  const { validation: v, split, linear, cnn } = result;
  const chosen = linear.selection.chosen;
  const human = [
    `trained in ${result.seconds.toFixed(0)} s on ${split.train} texts; ${split.validation} held out (seed ${split.seed})`,
    `  model: ${result.chosen} (${result.reason})`,
    `  validation accuracy ${pct(v.accuracy)}, macro F1 ${v.macroF1.toFixed(4)} (linear ${pct(linear.validation.accuracy)}${cnn ? `, CNN ${pct(cnn.validation.accuracy)}` : ''})`,
    ...(result.chosen === 'linear'
      ? [`  linear: C ${chosen.c}, word vectors x${chosen.vectors}, temperature ${linear.selection.temperature.toFixed(2)} (${linear.selection.folds}-fold cross-validation)`]
      : []),
    `  per class F1: ${v.perClass.map((c) => `${c.label} ${c.f1.toFixed(3)}`).join(', ')}`,
    `  model saved to ${saved}`,
  ].join('\n');
  out.result(input, { ...result, model: saved }, human);
  return 0;
}
