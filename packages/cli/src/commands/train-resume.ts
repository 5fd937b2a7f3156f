import { resolve } from 'node:path';
import { jobConflicts, readTrainingJob, recordedJob, type JobField, type TrainingJob } from '@dlkit/core';
import { UsageError } from '../cli-error.js';
import { printable } from '../terminal/printable.js';
import { nonNegativeInt, positiveInt } from './arguments.js';
import type { TrainArgs } from './train.js';

/** A flag a resumed run takes from its checkpoint: its argument, and the trainer option (or config key) it sets. */
interface Knob {
  flag: string;
  arg: 'data' | 'limit' | 'epochs' | 'batchSize' | 'seed' | 'workers' | 'out' | 'log' | 'checkpoint';
  option: string;
  kind: JobField;
  /** The flag's text as the option's value (numbers parsed as `train` parses them). */
  parse?: (flag: string, text: string) => number | undefined;
}

const KNOBS: Knob[] = [
  { flag: '--data', arg: 'data', option: 'data', kind: 'data' },
  { flag: '--limit', arg: 'limit', option: 'limit', kind: 'value', parse: positiveInt },
  { flag: '--epochs', arg: 'epochs', option: 'epochs', kind: 'value', parse: positiveInt },
  { flag: '--batch-size', arg: 'batchSize', option: 'batchSize', kind: 'value', parse: positiveInt },
  { flag: '--seed', arg: 'seed', option: 'seed', kind: 'value', parse: nonNegativeInt },
  { flag: '--workers', arg: 'workers', option: 'workers', kind: 'value', parse: positiveInt },
  { flag: '--out', arg: 'out', option: 'out', kind: 'path' },
  { flag: '--log', arg: 'log', option: 'log', kind: 'path' },
  { flag: '--checkpoint', arg: 'checkpoint', option: 'checkpointDir', kind: 'path' },
];

/** A path as one shell word, for a command to copy. */
const shellWord = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** What continues an interrupted run: its checkpoint alone. */
export const resumeCommand = (checkpoint: string): string => `dl train --resume ${shellWord(checkpoint)}`;

/** A run's settings by trainer option name: a trainer's recorded options, or those a config run's config sets. */
function recordedOptions(job: TrainingJob): Record<string, unknown> {
  if (job.trainer !== 'config') return job.options;
  const config = (job.options.config ?? {}) as { epochs?: number; batchSize?: number; seed?: number; workers?: number; out?: string; log?: string; checkpoint?: { dir?: string } };
  const { epochs, batchSize, seed, workers, out, log } = config;
  return { epochs, batchSize, seed, workers, out, log, checkpointDir: config.checkpoint?.dir };
}

/** The target a job is trained by: `train <trainer>`, or a config run (`train <config.json>`, or none on a resume). */
function assertSameTarget(job: TrainingJob, what: string | undefined, dir: string): void {
  const isConfig = job.trainer === 'config';
  if (what === undefined || (isConfig ? what.endsWith('.json') : what === job.trainer)) return;
  const run = isConfig ? 'a `dl train <config.json>` run' : `a \`dl train ${job.trainer}\` run`;
  throw new UsageError(`checkpoint ${dir} is of ${run}, not of \`dl train ${what}\`; continue it with: ${resumeCommand(dir)}`);
}

/** Says on stderr where a resumed run writes its model, when the checkpoint chose the folder (no --out, no config file given). */
function sayOutput(dir: string, out: unknown, force: boolean): void {
  const where = typeof out === 'string' ? `writes its model to ${resolve(out)}${force ? ' (--force: a model already there is replaced)' : ''}` : 'saves no model';
  process.stderr.write(`dl: note: the run resumed from ${printable(dir, { keepNewlines: false })} ${printable(where, { keepNewlines: false })}\n`);
}

/**
 * `dl train [target] --resume DIR`: the command line of the run the checkpoint recorded, with the flags given. A
 * flag that contradicts the run (another schedule, data or output would start another run, not continue this
 * one) is a usage error naming it; flags equal to the run's are fine; `--force` may be added, and only it lets
 * the run replace a model already in its output folder (the checkpoint's word is not enough: OUTPUT_EXISTS).
 */
export async function resumedArgs(args: TrainArgs): Promise<TrainArgs> {
  const dir = resolve(args.resume!);
  // A checkpoint of an older dlkit recorded no run: the command line given sets it up, as it did then.
  const job = args.target.length > 0 ? await recordedJob(dir) : await readTrainingJob(dir);
  if (job === undefined) return args;
  assertSameTarget(job, args.target[0], dir);
  const recorded = recordedOptions(job);
  // A config's data is in its config: `train <config.json>` has no --data or --limit.
  const knobs = KNOBS.filter((k) => job.trainer !== 'config' || (k.arg !== 'data' && k.arg !== 'limit'));
  const given = Object.fromEntries(knobs.map((k) => [k.option, k.parse && args[k.arg] !== undefined ? k.parse(k.flag, args[k.arg]!) : args[k.arg]]));
  const fields = Object.fromEntries(knobs.map((k) => [k.option, k.kind]));
  const conflicts = jobConflicts({ trainer: job.trainer, options: recorded }, given, fields);
  if (conflicts.length > 0) {
    const flags = conflicts.map(({ key, recorded: was }) => {
      const knob = knobs.find((k) => k.option === key)!;
      return `${knob.flag} ${args[knob.arg]} (the run has ${was === undefined ? 'none' : String(was)})`;
    });
    throw new UsageError(`checkpoint ${dir} continues a run set up otherwise: ${flags.join(', ')}; leave ${flags.length > 1 ? 'them' : 'it'} out: ${resumeCommand(dir)}`);
  }
  // A config run takes its knobs from its config (re-read or recorded); a target run from these flags.
  const fromRun = job.trainer === 'config' ? knobs.filter((k) => k.arg === 'checkpoint') : knobs;
  // --force only from the command line: the checkpoint's `overwrite` is not taken (a planted one would grant it).
  const merged: TrainArgs = { ...args, target: job.trainer === 'config' ? args.target : [job.trainer] };
  for (const k of fromRun) if (merged[k.arg] === undefined && recorded[k.option] !== undefined) merged[k.arg] = String(recorded[k.option]);
  if (args.out === undefined && (job.trainer !== 'config' || args.target.length === 0)) sayOutput(dir, recorded.out, args.force === true);
  return merged;
}
