import { z } from 'zod';
import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import type { JobData } from './queue.js';
import { libraryOnly, resolveBatchTask } from './tasks.js';

/**
 * What a queue job may say, checked by the worker before anything runs: anything that reaches Redis can add a
 * job, so its data is untrusted input. A job's options are its task's own (the row's load and call options, by
 * their library names), with the bounds below on top. Unknown keys are refused rather than dropped, so a job never
 * carries a knob the worker does not know it honours.
 */

/** A path or URL: as long as a Linux path may be, no NUL (which would cut it short in a system call). */
const reference = z
  .string()
  .min(1)
  .max(4096)
  .refine((s) => !s.includes('\0'), 'contains a NUL character');

/**
 * The image decoders' default pixel limit (@dlkit/vision's DEFAULT_MAX_PIXELS, which job-policy.test.ts holds
 * this equal to): not imported, as that would load sharp into every `dl batch --queue` and `--status`.
 */
export const MAX_JOB_PIXELS = 100_000_000;

/**
 * Load options the worker sets for itself and never takes from a job: how many threads it spends, what its inputs
 * may reach (--allow-host; never standard input), how many inputs a model run takes (a job is one), and a hub
 * model's weights variant and device (what the worker's machine has; a job's say would be a model the worker loads
 * anew, on hardware it may not have).
 */
export const WORKER_OPTIONS: ReadonlySet<string> = new Set(['threads', 'batchSize', 'allowUrls', 'allowStdin', 'allowPrivateHosts', 'dtype', 'device']);

/** A decoder limit a job may lower but never raise past the default: a job must not decide how much memory it takes. */
const jobPixels = z.number().int().min(1).max(MAX_JOB_PIXELS).optional();

/**
 * The options a job of `definition` may carry: `model` (checked against the worker's list later) and the row's
 * own, less the worker's and those only a program can pass (a signal, a callback).
 */
export function jobOptionsSchema(definition: AnyTaskDefinition): z.ZodObject {
  const shape: Record<string, z.ZodType> = { model: reference.optional() };
  for (const [key, schema] of Object.entries({ ...definition.loadOptions.shape, ...definition.callOptions.shape } as Record<string, z.ZodType>)) {
    if (!WORKER_OPTIONS.has(key) && !libraryOnly(schema)) shape[key] = key === 'maxPixels' ? jobPixels : schema;
  }
  return z.strictObject(shape);
}

/** Options as JSON, at most this long: the schemas bound numbers, this bounds strings and lists (`classes`, `language`). */
const MAX_OPTIONS_JSON = 16_384;

// The task first, then its own options: each task's schema says which keys it takes.
const jobSchema = z.strictObject({
  task: z.string().min(1).max(100),
  options: z.record(z.string(), z.unknown()).refine((options) => JSON.stringify(options).length <= MAX_OPTIONS_JSON, `longer than ${MAX_OPTIONS_JSON} characters as JSON`),
  input: reference,
});

/**
 * The job's data, or why it is refused: each problem as `where: what`, short enough for one result line. The task
 * comes back by its row's name (an alias or an old name resolved), with the model an old name implies.
 */
export function parseJob(data: unknown): { ok: true; job: JobData } | { ok: false; why: string } {
  const job = jobSchema.safeParse(data);
  if (!job.success) return { ok: false, why: describe(job.error) };
  let task;
  try {
    task = resolveBatchTask(job.data.task);
  } catch {
    return { ok: false, why: `task: no batch task ${JSON.stringify(job.data.task.slice(0, 100))}` };
  }
  const options = jobOptionsSchema(task.definition).safeParse(job.data.options);
  if (!options.success) return { ok: false, why: describe(options.error, 'options') };
  const model = task.model === undefined ? {} : { model: task.model };
  return { ok: true, job: { task: task.definition.task, options: { ...model, ...options.data }, input: job.data.input } };
}

function describe(error: z.ZodError, under?: string): string {
  const where = (path: PropertyKey[]) => [under, ...path].filter((p) => p !== undefined).join('.') || 'job';
  return error.issues
    .map((issue) => `${where(issue.path)}: ${issue.message}`)
    .join('; ')
    .slice(0, 500);
}
