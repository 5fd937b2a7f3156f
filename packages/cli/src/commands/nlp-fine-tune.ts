import { progressBar } from '@dlkit/core';
import { fineTuneTextClassifier } from '@dlkit/nlp';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { nonNegativeInt, positiveInt } from './arguments.js';
import { interruptible, MAX_EPOCHS, reportTextTraining, workerBound } from './train.js';

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
    return reportTextTraining(result, saved.dir, args.files[0]!, out);
  } finally {
    release();
  }
}
