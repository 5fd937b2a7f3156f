import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDataset, formatEpochLogs, progressBar, readTrainConfig, trainFromConfig, type Callback, type ClassificationReport, type FitResult, type TrainConfig } from '@dlkit/core';
import { trainSentiment, type TrainTextResult } from '@dlkit/nlp';
import { trainSpeechDigits } from '@dlkit/speech';
// Importing vision also registers its dataset loaders (image-folder, mnist-idx, digits-json) for configs.
import { trainDigits, trainFashion } from '@dlkit/vision';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { writeCurves } from '../report/curves.js';
import { nonNegativeInt, positiveInt } from './arguments.js';
import { resumeCommand, resumedArgs } from './train-resume.js';

export interface TrainArgs {
  target: string[];
  data?: string;
  /** `train digits|fashion`: about N examples only, a stratified sample. */
  limit?: string;
  epochs?: string;
  batchSize?: string;
  seed?: string;
  out?: string;
  checkpoint?: string;
  resume?: string;
  log?: string;
  workers?: string;
  vectors?: string;
  /** Replace a model already in --out. */
  force?: boolean;
}

/** Epochs a command line may ask for: far beyond any useful run, and a typo like 1000000 is refused. */
export const MAX_EPOCHS = { max: 100_000, maxReason: 'the largest number of epochs' };

/** `--workers`: gradient threads, one per core at most (fit refuses more, after the data has loaded). */
export function workerBound(): { max: number; maxReason: string } {
  const cores = availableParallelism();
  return { max: cores, maxReason: `this machine has ${cores} cores` };
}

/** Knobs adjusted to the data are said on stderr, in the CLI's own voice. */
const warn = (message: string) => void process.stderr.write(`dl: warning: ${message}\n`);

/**
 * SIGINT/SIGTERM stop training after the current step; the checkpoint callback then saves. A second signal
 * exits at once.
 */
export function interruptible(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\ndl: ${name}: stopping after this step and saving a checkpoint (again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function summary(result: FitResult, saved: string | undefined): string {
  const v: ClassificationReport | undefined = result.validation;
  const last = result.history.at(-1);
  return [
    `${result.stopReason === 'completed' ? 'trained' : `stopped (${result.stopReason})`}: ${result.epochs} epochs in ${result.seconds.toFixed(0)} s`,
    ...(last ? [`  last ${formatEpochLogs(last, result.epochs)}`] : []),
    ...(v
      ? [
          `  validation accuracy ${(v.accuracy * 100).toFixed(2)}% on ${v.count} examples, macro F1 ${v.macroF1.toFixed(4)}`,
          `  per class F1: ${v.perClass.map((c) => `${c.label} ${c.f1.toFixed(3)}`).join(', ')}`,
        ]
      : []),
    ...(saved ? [`  model saved to ${saved}`] : []),
  ].join('\n');
}

/** The result of training a text classifier (`train sentiment`, `nlp fine-tune`): both branches and the ensemble. */
export async function reportTextTraining(result: Omit<TrainTextResult, 'network'>, saved: string, input: string, out: Output): Promise<number> {
  const { cnn, bag, validation: v, split } = result;
  // The CNN's epochs: the n-gram branch is a linear model whose own curve says little.
  await writeCurves(saved, cnn.history);
  const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(2)}%`);
  const human = [
    `trained in ${result.seconds.toFixed(0)} s on ${split.train} texts; ${split.validation} held out (seed ${split.seed})`,
    `  validation accuracy ${pct(v.accuracy)} (CNN ${pct(cnn.validation?.accuracy)}, n-grams ${pct(bag.validation?.accuracy)}), macro F1 ${v.macroF1.toFixed(4)}`,
    `  per class F1: ${v.perClass.map((c) => `${c.label} ${c.f1.toFixed(3)}`).join(', ')}`,
    `  model saved to ${saved}`,
  ].join('\n');
  const { vocabulary: _vocabulary, ...summary } = result;
  out.result(input, { ...summary, model: saved }, human);
  return 0;
}

export async function reportTraining(result: FitResult, saved: string | undefined, checkpoint: string | undefined, input: string, out: Output): Promise<number> {
  if (result.stopReason === 'aborted') {
    process.stderr.write(`dl: ABORTED: training interrupted at epoch ${result.epochs + 1}${checkpoint ? `; checkpoint in ${checkpoint}; continue with: ${resumeCommand(checkpoint)}` : ''}\n`);
    if (out.json) out.result(input, { stopReason: 'aborted', checkpoint: checkpoint ?? null, history: result.history }, '');
    return 130;
  }
  // curves.png beside the model (loss and accuracy per epoch); a figure that fails is a warning, never the run.
  if (saved !== undefined) await writeCurves(saved, result.history);
  out.result(input, { ...result, model: saved ?? null }, summary(result, saved));
  return result.stopReason === 'nan' ? 1 : 0;
}

/** The knobs every target may take, parsed strictly from the command line (undefined: not given). */
interface TrainKnobs {
  limit: number | undefined;
  epochs: number | undefined;
  batchSize: number | undefined;
  seed: number | undefined;
  workers: number | undefined;
}

/** What a training run gets from the command: its knobs, the progress bar, and the Ctrl-C signal. */
interface TrainRun {
  args: TrainArgs;
  knobs: TrainKnobs;
  progress: Callback;
  signal: AbortSignal;
  out: Output;
}

function parseKnobs(args: TrainArgs): TrainKnobs {
  return {
    limit: positiveInt('--limit', args.limit),
    epochs: positiveInt('--epochs', args.epochs, MAX_EPOCHS),
    // Larger than the data is clamped to it by fit (with a warning); the memory estimate refuses what cannot fit.
    batchSize: positiveInt('--batch-size', args.batchSize),
    seed: nonNegativeInt('--seed', args.seed),
    workers: positiveInt('--workers', args.workers, workerBound()),
  };
}

/** `{key: value}` when the value is given, `{}` when not: options of the trainers are absent rather than undefined. */
function given<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The folder to train from: --data, or the registered set `set` (when --data is not given or names it) made local
 * (cache, DL_DATA_MIRROR, else downloaded; DATASET_OFFLINE when it cannot be): its folder `inside`.
 */
async function dataFolder(args: TrainArgs, set: string, inside: string, signal: AbortSignal): Promise<string> {
  if (args.data !== undefined && (args.data !== set || existsSync(args.data))) return args.data;
  return join(await ensureDataset(set, { signal }), inside);
}

/**
 * `train digits` / `train fashion`: --data is a registered set or ref (`mnist`, `mnist-cazala`, `fashion-mnist:train`)
 * or a folder of its files; without it, the trainer's registered set (fetched, or read from the cache or mirror).
 */
function smallImageTarget(name: 'digits' | 'fashion', trainer: typeof trainDigits) {
  return async ({ args, knobs, progress, signal, out }: TrainRun): Promise<number> => {
    const checkpoint = args.checkpoint ?? (args.out ? `${resolve(args.out)}.checkpoint` : undefined);
    const { result, saved } = await trainer({
      signal,
      callbacks: [progress],
      ...given('data', args.data),
      ...given('limit', knobs.limit),
      ...given('out', args.out),
      overwrite: args.force === true,
      ...given('epochs', knobs.epochs),
      ...given('batchSize', knobs.batchSize),
      ...given('seed', knobs.seed),
      ...given('workers', knobs.workers),
      ...given('checkpointDir', checkpoint),
      onWarning: warn,
      ...given('resumeFrom', args.resume),
      ...given('log', args.log),
    });
    return reportTraining(result, saved?.dir, checkpoint, args.data ?? `train ${name}`, out);
  };
}

async function trainSpeechDigitsTarget({ args, knobs, progress, signal, out }: TrainRun): Promise<number> {
  const data = await dataFolder(args, 'fsdd', 'recordings', signal);
  const { result, saved } = await trainSpeechDigits({
    data,
    signal,
    callbacks: [progress],
    ...given('out', args.out),
    overwrite: args.force === true,
    ...given('epochs', knobs.epochs),
    ...given('seed', knobs.seed),
    ...given('workers', knobs.workers),
    ...given('log', args.log),
  });
  return reportTraining(result, saved?.dir, undefined, data, out);
}

async function trainSentimentTarget({ args, knobs, progress, signal, out }: TrainRun): Promise<number> {
  if (knobs.epochs || knobs.batchSize || args.checkpoint || args.resume || args.log) {
    throw new UsageError('train sentiment takes --data, --vectors, --out, --force, --seed and --workers (its recipe is fixed; see nlp fine-tune for your own data)');
  }
  if (args.out === undefined) throw new UsageError('train sentiment needs --out DIR for the model');
  const data = await dataFolder(args, 'rt-polarity', '.', signal);
  const { result, saved } = await trainSentiment({
    data,
    out: args.out,
    overwrite: args.force === true,
    signal,
    callbacks: [progress],
    ...given('vectors', args.vectors),
    ...given('seed', knobs.seed),
    ...given('workers', knobs.workers),
  });
  return reportTextTraining(result, saved!.dir, data, out);
}

/** The config with the command line's overrides; a checkpoint next to `out` unless one is given. */
function withOverrides(config: TrainConfig, baseDir: string, args: TrainArgs, knobs: TrainKnobs): TrainConfig {
  if (knobs.epochs) config.epochs = knobs.epochs;
  if (knobs.batchSize) config.batchSize = knobs.batchSize;
  if (knobs.seed !== undefined) config.seed = knobs.seed;
  if (knobs.workers) config.workers = knobs.workers;
  if (args.out) config.out = resolve(args.out);
  if (args.log) config.log = resolve(args.log);
  if (args.checkpoint) config.checkpoint = { ...config.checkpoint, dir: resolve(args.checkpoint) };
  if (!config.checkpoint && config.out) config.checkpoint = { dir: `${resolve(baseDir, config.out)}.checkpoint` };
  return config;
}

/** `train <config.json>`; on a resume the file may be left out (the checkpoint's run has its config). */
async function trainConfigTarget(file: string | undefined, { args, knobs, progress, signal, out }: TrainRun): Promise<number> {
  const read = file === undefined ? undefined : await readTrainConfig(file);
  const config = read && withOverrides(read.config, read.baseDir, args, knobs);
  const { result, saved, model } = await trainFromConfig(config, {
    ...(read ? { baseDir: read.baseDir } : {}),
    callbacks: [progress],
    signal,
    onWarning: warn,
    overwrite: args.force === true,
    ...(args.resume ? { resumeFrom: resolve(args.resume) } : {}),
  });
  model.dispose();
  const checkpoint = config?.checkpoint ? resolve(read!.baseDir, config.checkpoint.dir) : args.checkpoint && resolve(args.checkpoint);
  return reportTraining(result, saved?.dir, checkpoint, file ?? args.resume!, out);
}

const TARGETS: Record<string, (run: TrainRun) => Promise<number>> = {
  digits: smallImageTarget('digits', trainDigits),
  fashion: smallImageTarget('fashion', trainFashion),
  'speech-digits': trainSpeechDigitsTarget,
  sentiment: trainSentimentTarget,
};

/** `dl train digits|fashion|sentiment|speech-digits` and `dl train <config.json>`. */
export async function train(args: TrainArgs, out: Output): Promise<number> {
  // `--resume DIR` alone: the checkpoint names the target and the flags of the run it continues.
  if (args.resume !== undefined) args = await resumedArgs(args);
  const [what, ...extra] = args.target;
  if (what === undefined && args.resume === undefined) throw new UsageError('train needs `digits`, `fashion`, `sentiment`, `speech-digits` or a config file (train <config.json>)');
  if (extra.length > 0) throw new UsageError(`train takes one target, got ${args.target.join(' ')}`);
  const knobs = parseKnobs(args);
  const target = what !== undefined && Object.hasOwn(TARGETS, what) ? TARGETS[what] : undefined;
  if (target === undefined && what !== undefined && !what.endsWith('.json')) throw new UsageError(`unknown training target '${what}': use digits, fashion, sentiment, speech-digits or a .json config`);
  const progress = progressBar({ mode: out.json ? 'off' : undefined });
  const { signal, release } = interruptible();
  try {
    const run = { args, knobs, progress, signal, out };
    return await (target ? target(run) : trainConfigTarget(what, run));
  } finally {
    release();
  }
}
