import { z } from 'zod';
import type { JobData } from './queue.js';
import { BATCH_TASKS, type BatchTask, type TaskOptions } from './tasks.js';

/**
 * What a queue job may say, checked by the worker before anything runs: anything that reaches Redis can add a
 * job, so its data is untrusted input. Unknown keys are refused rather than dropped, so a job never carries a
 * knob the worker does not know it honours.
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

// Bounds a worker holds every job to: the task's own results (1000 ImageNet classes), a summary short enough to
// be one result line, and a decoder limit that a job may lower but never raise past the default (a job must not
// decide how much memory the worker's decoder may take).
const option = {
  model: reference,
  topk: z.number().int().min(1).max(1000),
  threshold: z.number().min(0).max(1),
  sentences: z.number().int().min(1).max(1000),
  maxPixels: z.number().int().min(1).max(MAX_JOB_PIXELS),
};

/** The options of each task on the queue (`threads` is the worker's to set, never the job's). */
export const JOB_OPTIONS = {
  classify: z.strictObject({ model: option.model, topk: option.topk, maxPixels: option.maxPixels }).partial(),
  detect: z.strictObject({ model: option.model, threshold: option.threshold, maxPixels: option.maxPixels }).partial(),
  faces: z.strictObject({ maxPixels: option.maxPixels }).partial(),
  sentiment: z.strictObject({ model: option.model }).partial(),
  'summarize-extractive': z.strictObject({ sentences: option.sentences }).partial(),
  transcribe: z.strictObject({ model: option.model }).partial(),
} satisfies Record<BatchTask, z.ZodType<TaskOptions>>;

// The task first, then its own options: each task's schema says which keys it takes.
const jobSchema = z.strictObject({ task: z.enum(BATCH_TASKS), options: z.record(z.string(), z.unknown()), input: reference });

/** The job's data, or why it is refused: each problem as `where: what`, short enough for one result line. */
export function parseJob(data: unknown): { ok: true; job: JobData } | { ok: false; why: string } {
  const job = jobSchema.safeParse(data);
  if (!job.success) return { ok: false, why: describe(job.error) };
  const options = JOB_OPTIONS[job.data.task].safeParse(job.data.options);
  if (!options.success) return { ok: false, why: describe(options.error, 'options') };
  return { ok: true, job: { task: job.data.task, options: options.data, input: job.data.input } };
}

function describe(error: z.ZodError, under?: string): string {
  const where = (path: PropertyKey[]) => [under, ...path].filter((p) => p !== undefined).join('.') || 'job';
  return error.issues
    .map((issue) => `${where(issue.path)}: ${issue.message}`)
    .join('; ')
    .slice(0, 500);
}
