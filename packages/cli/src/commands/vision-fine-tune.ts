import { progressBar } from '@dlkit/core';
import { fineTune } from '@dlkit/vision';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { nonNegativeInt, positiveInt } from './arguments.js';
import { interruptible, MAX_EPOCHS, reportTraining } from './train.js';

export interface FineTuneArgs {
  dirs: string[];
  val?: string;
  out?: string;
  epochs?: string;
  size?: string;
  seed?: string;
  /** Replace a model already in --out. */
  force?: boolean;
}

/** `dl vision fine-tune <train-dir> [--val dir] --out dir`: a new classifier on the embedded backbone. */
export async function visionFineTune(args: FineTuneArgs, out: Output): Promise<number> {
  if (args.dirs.length !== 1) throw new UsageError('vision fine-tune takes one training folder (one sub-folder of images per class)');
  if (args.out === undefined) throw new UsageError('vision fine-tune needs --out DIR for the model');
  const epochs = positiveInt('--epochs', args.epochs, MAX_EPOCHS);
  const size = positiveInt('--size', args.size) // bounded by fineTune (INVALID_ARGUMENT);
  const seed = nonNegativeInt('--seed', args.seed);
  const { signal, release } = interruptible();
  let lastShown = 0;
  try {
    const { result, saved } = await fineTune({
      train: args.dirs[0]!,
      out: args.out,
      overwrite: args.force === true,
      signal,
      callbacks: [progressBar({ mode: out.json ? 'off' : undefined })],
      onFeatures: (done, total) => {
        if (out.json || (done < total && Date.now() - lastShown < 1000)) return;
        lastShown = Date.now();
        process.stderr.write(`features ${done}/${total}\n`);
      },
      ...(args.val ? { validation: args.val } : {}),
      ...(epochs ? { epochs } : {}),
      ...(size ? { size } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    return reportTraining(result, saved?.dir, undefined, args.dirs[0]!, out);
  } finally {
    release();
  }
}
