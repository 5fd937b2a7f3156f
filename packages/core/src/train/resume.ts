import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DlError } from '../errors.js';
import { recordedJob, type TrainingJob } from './checkpoint.js';

/**
 * How a trainer's option is recorded in its job and checked on a resume:
 * - `value`: as is; a resume that gives another value is refused (another schedule, seed or batch size would not
 *   continue the run, it would start a different one);
 * - `path`: resolved to an absolute path, so that a resume from another folder finds it; refused when it differs;
 * - `data`: a folder or file that exists is made absolute, anything else (a dataset name such as `mnist:train`) is
 *   kept as given; refused when it differs;
 * - `override`: a permission (to replace a model) that changes no weight: recorded, but a resume never takes it from
 *   the checkpoint (a checkpoint planted or edited to grant it would have the resume replace the model folder its
 *   `out` names); the caller gives it again, or the run goes without.
 */
export type JobField = 'value' | 'path' | 'data' | 'override';

export type JobFields = Readonly<Record<string, JobField>>;

/** JSON of a value, as a checkpoint stores it (undefined properties dropped). */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function jobValue(kind: JobField, value: unknown): unknown {
  if (typeof value !== 'string' || kind === 'value' || kind === 'override') return asJson(value);
  return kind === 'path' || existsSync(value) ? resolve(value) : value;
}

/** The job of a run: its trainer and those of `options` named in `fields` that are set, as a checkpoint stores them. */
export function trainingJob(trainer: string, options: Record<string, unknown>, fields: JobFields): TrainingJob {
  const recorded = Object.entries(fields).filter(([key]) => options[key] !== undefined);
  return { trainer, options: Object.fromEntries(recorded.map(([key, kind]) => [key, jobValue(kind, options[key])])) };
}

/**
 * The options set in `given` (by the names of `fields`) that contradict those `job` recorded, each with what the
 * run had (undefined: not set there). An `override` field never does.
 */
export function jobConflicts(job: TrainingJob, given: Record<string, unknown>, fields: JobFields): Array<{ key: string; given: unknown; recorded: unknown }> {
  return Object.entries(fields)
    .filter(([key, kind]) => kind !== 'override' && given[key] !== undefined && !isDeepStrictEqual(jobValue(kind, given[key]), job.options[key]))
    .map(([key, kind]) => ({ key, given: jobValue(kind, given[key]), recorded: job.options[key] }));
}

/** `key` as given and as recorded; for two objects (a config), only the keys in which they differ. */
function describeConflict({ key, given, recorded }: { key: string; given: unknown; recorded: unknown }): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const shown = (v: unknown) => (v === undefined ? 'not set' : JSON.stringify(v));
  if (!isObject(given) || !isObject(recorded)) return [`${key} ${shown(given)} (the run has ${shown(recorded)})`];
  const keys = [...new Set([...Object.keys(given), ...Object.keys(recorded)])].filter((k) => !isDeepStrictEqual(given[k], recorded[k]));
  return keys.flatMap((k) => describeConflict({ key: `${key}.${k}`, given: given[k], recorded: recorded[k] }));
}

/**
 * The job recorded in checkpoint `dir`, which must be one of `trainer`'s (CHECKPOINT_INVALID otherwise);
 * undefined when it recorded none (taken by an older dlkit: the caller's options alone set the run up).
 */
export async function trainerJob(trainer: string, dir: string): Promise<TrainingJob | undefined> {
  const job = await recordedJob(dir);
  if (job !== undefined && job.trainer !== trainer) throw new DlError('CHECKPOINT_INVALID', `Checkpoint ${dir} is of a '${job.trainer}' training run, not '${trainer}'`);
  return job;
}

/**
 * The options of a run resumed from checkpoint `dir`: those given, and the rest as the run recorded them (so
 * that the checkpoint alone continues it), `override` fields aside (those given only); INVALID_ARGUMENT naming
 * each given option that contradicts the run. A checkpoint that recorded no job: the options as given.
 */
export function resumedOptions<T extends object>(job: TrainingJob | undefined, dir: string, options: T, fields: JobFields): T {
  if (job === undefined) return options;
  const given = options as Record<string, unknown>;
  const conflicts = jobConflicts(job, given, fields);
  if (conflicts.length > 0) {
    const described = conflicts.flatMap(describeConflict);
    throw new DlError('INVALID_ARGUMENT', `Checkpoint ${dir} continues another run: ${described.join(', ')}; leave ${described.length > 1 ? 'them' : 'it'} out to continue that run`, {
      parameter: conflicts[0]!.key,
    });
  }
  const recorded = Object.entries(job.options).filter(([key]) => fields[key] !== 'override');
  const set = Object.entries(given).filter(([, value]) => value !== undefined);
  return { ...Object.fromEntries(recorded), ...Object.fromEntries(set) } as T;
}
