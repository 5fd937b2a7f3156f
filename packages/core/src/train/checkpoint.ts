import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DlError, errorMessage } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { readInputFile } from '../io/read-input.js';
import type { EpochLogs } from './callbacks/callback.js';

const CHECKPOINT_FILE = 'checkpoint.json';
/** checkpoint.json holds no tensors (they are in the .bin file): its history and options fit well under this. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/** Everything a run needs to continue exactly where it stopped. */
export interface CheckpointData {
  /** Position of the next step to run. */
  epoch: number;
  step: number;
  globalStep: number;
  seed: number;
  learningRate: number;
  optimizer: { name: string; step: number; slots: Float32Array[][] };
  /** Model weights in `model.weights` order. */
  weights: Array<{ name: string; shape: number[]; values: Float32Array }>;
  history: EpochLogs[];
  /** Sums of the epoch in progress, so its mean loss and accuracy come out as if never interrupted. */
  partial: { lossSum: number; correct: number; count: number };
  callbacks: Record<string, unknown>;
  /**
   * The run it was taken in: a resume with another batch size or data would misplace every step; epochs (the
   * schedule's length) and workers (the shards of a step) are what a resume from the checkpoint alone reuses.
   */
  run?: { batchSize: number; examples: number; epochs?: number; workers?: number };
  /** The trainer and its options, when the trainer records them (see `TrainingJob`). */
  job?: TrainingJob;
}

/**
 * What a trainer (`trainFromConfig`, `trainDigits`) needs to run again from a checkpoint alone: its name and its
 * options as it resolved them (defaults applied, folders absolute), as JSON. Recorded in every checkpoint of the
 * run, so that a resume needs neither the command line nor the config of the run it continues.
 */
export interface TrainingJob {
  trainer: string;
  options: Record<string, unknown>;
}

const trainingJobSchema = z.strictObject({ trainer: z.string().min(1), options: z.record(z.string(), z.unknown()) });

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const floats = z.instanceof(Float32Array);

/** What a checkpoint's data must look like once its blobs are joined back (an edited file is not trusted). */
const checkpointDataSchema = z.object({
  epoch: count,
  step: count,
  globalStep: count,
  seed: count,
  learningRate: z.number().positive().finite(),
  optimizer: z.object({ name: z.string(), step: count, slots: z.array(z.array(floats)) }),
  weights: z.array(z.object({ name: z.string(), shape: z.array(count), values: floats })),
  history: z.array(z.object({ epoch: count }).passthrough()),
  partial: z.object({ lossSum: z.number().finite(), correct: count, count }),
  callbacks: z.record(z.string(), z.unknown()),
  run: z.object({ batchSize: count.positive(), examples: count.positive(), epochs: count.positive().optional(), workers: count.positive().optional() }).optional(),
  job: trainingJobSchema.optional(),
});

/** The run a checkpoint is resumed into, as `fit` has set it up. */
export interface ResumeTarget {
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  examples: number;
  seed: number;
  optimizer: string;
  /** Optimizer slots per trainable variable. */
  slots: number;
  weights: ReadonlyArray<{ shape: readonly number[] }>;
  /** Sizes of the trainable variables, in the optimizer's order. */
  variables: readonly number[];
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The first field of `data` that contradicts the run it resumes, as [field, why]; undefined when it fits. */
function mismatch(data: CheckpointData, run: ResumeTarget): [string, string] | undefined {
  if (data.seed !== run.seed) return ['seed', `${data.seed}, this run has ${run.seed}`];
  if (data.run && data.run.batchSize !== run.batchSize) return ['run.batchSize', `${data.run.batchSize}, this run has ${run.batchSize}`];
  if (data.run && data.run.examples !== run.examples) return ['run.examples', `${data.run.examples}, this run has ${run.examples}`];
  if (data.epoch > run.epochs) return ['epoch', `${data.epoch}, more than the ${run.epochs} epochs of this run`];
  if (data.step > run.stepsPerEpoch) return ['step', `${data.step}, more than the ${run.stepsPerEpoch} steps of an epoch`];
  if (data.globalStep !== data.epoch * run.stepsPerEpoch + data.step) return ['globalStep', `${data.globalStep}, not epoch x ${run.stepsPerEpoch} + step`];
  if (data.history.length !== data.epoch) return ['history', `${data.history.length} epochs logged, not ${data.epoch}`];
  if (data.partial.count > data.step * run.batchSize || data.partial.correct > data.partial.count) return ['partial', 'counts more examples than the steps taken'];
  if (data.weights.length !== run.weights.length) return ['weights', `${data.weights.length} tensors, this model has ${run.weights.length}`];
  const bad = data.weights.findIndex((w, i) => w.shape.join() !== run.weights[i]!.shape.join() || w.values.length !== size(w.shape));
  if (bad >= 0) return [`weights.${bad}`, `shape [${data.weights[bad]!.shape.join(', ')}], this model has [${run.weights[bad]!.shape.join(', ')}]`];
  if (data.optimizer.name !== run.optimizer) return ['optimizer.name', `${data.optimizer.name}, this run uses ${run.optimizer}`];
  if (data.optimizer.step !== data.globalStep) return ['optimizer.step', `${data.optimizer.step}, not the ${data.globalStep} steps taken`];
  const { slots } = data.optimizer;
  if (slots.length !== run.variables.length || slots.some((s, i) => s.length !== run.slots || s.some((v) => v.length !== run.variables[i]))) {
    return ['optimizer.slots', `do not match the ${run.variables.length} variables x ${run.slots} slots of this model`];
  }
  return undefined;
}

/** Refuses a checkpoint that is not of this run: CHECKPOINT_INVALID naming the field, before any weight is set. */
export function assertResumable(data: CheckpointData, run: ResumeTarget, dir: string): void {
  const found = mismatch(data, run);
  if (found) throw new DlError('CHECKPOINT_INVALID', `Checkpoint ${dir} cannot be resumed: ${found[0]} is ${found[1]}`);
}

const headerSchema = z.object({
  format: z.literal('dlkit-checkpoint'),
  version: z.literal(1),
  tensors: z.string().regex(/^tensors-\d+\.bin$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  // Node reads no file over 2 GiB into one buffer: a header that claims more is not one of ours.
  bytes: z.number().int().nonnegative().max(2 ** 31 - 1),
  data: z.unknown(),
});

interface BlobRef {
  $blob: number;
}

/** JSON with every Float32Array moved into a list of blobs (stored as one binary file). */
function splitBlobs(value: unknown, blobs: Float32Array[]): unknown {
  if (value instanceof Float32Array) {
    blobs.push(value);
    return { $blob: blobs.length - 1 } satisfies BlobRef;
  }
  if (Array.isArray(value)) return value.map((v) => splitBlobs(v, blobs));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, splitBlobs(v, blobs)]));
  }
  return value;
}

function joinBlobs(value: unknown, blobs: Float32Array[]): unknown {
  if (Array.isArray(value)) return value.map((v) => joinBlobs(v, blobs));
  if (value !== null && typeof value === 'object') {
    const ref = (value as Partial<BlobRef>).$blob;
    if (typeof ref === 'number') {
      const blob = blobs[ref];
      if (blob === undefined) throw new Error(`blob ${ref} missing`);
      return blob;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, joinBlobs(v, blobs)]));
  }
  return value;
}

/**
 * Writes `dir/tensors-<step>.bin`, then `dir/checkpoint.json` naming it (each atomically), then removes older
 * tensor files: a crash at any point leaves the previous checkpoint or the new one, whole.
 */
export async function writeCheckpoint(dir: string, data: CheckpointData): Promise<void> {
  try {
    await writeCheckpointFiles(dir, data);
  } catch (error) {
    // A full disk or a folder in the way: the previous checkpoint is still whole (each file is replaced by rename).
    throw new DlError('OUTPUT_UNWRITABLE', `Could not write the checkpoint to ${dir}: ${errorMessage(error)}`, { cause: error });
  }
}

async function writeCheckpointFiles(dir: string, data: CheckpointData): Promise<void> {
  await mkdir(dir, { recursive: true });
  const blobs: Float32Array[] = [];
  const json = splitBlobs(data, blobs);
  const index: Array<[number, number]> = [];
  let offset = 0;
  for (const blob of blobs) {
    index.push([offset, blob.length]);
    offset += blob.length;
  }
  const packed = new Float32Array(offset);
  blobs.forEach((blob, i) => packed.set(blob, index[i]![0]));
  const bytes = new Uint8Array(packed.buffer);
  const tensors = `tensors-${data.globalStep}.bin`;
  await writeFileAtomic(join(dir, tensors), bytes);
  const header = {
    format: 'dlkit-checkpoint',
    version: 1,
    tensors,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    data: { ...(json as object), blobIndex: index },
  };
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify(header));
  for (const name of await readdir(dir)) {
    if (/^tensors-\d+\.bin$/.test(name) && name !== tensors) await rm(join(dir, name), { force: true });
  }
}

const invalidIn = (dir: string) => (why: string, cause?: unknown) =>
  new DlError('CHECKPOINT_INVALID', `Checkpoint ${dir} cannot be used: ${why}`, cause === undefined ? undefined : { cause });

/** `dir/checkpoint.json`, checked to be a dlkit checkpoint's header (its tensors are not read). */
async function readHeader(dir: string): Promise<z.infer<typeof headerSchema>> {
  const invalid = invalidIn(dir);
  try {
    // The bounded reader: a FIFO or a link to /dev/zero planted as the file is refused, never waited on or read to the end.
    const text = (await readInputFile(join(dir, CHECKPOINT_FILE), MAX_HEADER_BYTES)).toString('utf8');
    const parsed = headerSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw invalid(`${CHECKPOINT_FILE} is not a dlkit checkpoint (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  } catch (error) {
    if (error instanceof DlError && error.code === 'CHECKPOINT_INVALID') throw error;
    const code = ((error as { cause?: NodeJS.ErrnoException }).cause ?? (error as NodeJS.ErrnoException)).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    throw invalid(missing ? `no ${CHECKPOINT_FILE} in it` : `${CHECKPOINT_FILE} is unreadable (${errorMessage(error)})`, error);
  }
}

/**
 * The trainer and options a checkpoint's run recorded (read without its tensors, which the resume checks);
 * CHECKPOINT_INVALID when it recorded none (taken by `fit` called directly, or by an older dlkit).
 */
export async function readTrainingJob(dir: string): Promise<TrainingJob> {
  const job = await recordedJob(dir);
  if (job === undefined) {
    throw invalidIn(dir)('it does not record the trainer and options of its run (taken by fit directly, or by an older dlkit): resume it with the options the run was started with');
  }
  return job;
}

/** The job a checkpoint recorded; undefined when it recorded none (a damaged one is CHECKPOINT_INVALID). */
export async function recordedJob(dir: string): Promise<TrainingJob | undefined> {
  const data = (await readHeader(dir)).data as { job?: unknown } | null;
  if (data?.job === undefined) return undefined;
  const parsed = trainingJobSchema.safeParse(data.job);
  if (!parsed.success) throw invalidIn(dir)(`its job is damaged (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

/** Reads a checkpoint written by `writeCheckpoint`; anything missing, truncated or altered is `CHECKPOINT_INVALID`. */
export async function readCheckpoint(dir: string): Promise<CheckpointData> {
  const invalid = invalidIn(dir);
  const header = await readHeader(dir);
  let bytes: Buffer;
  try {
    // One byte past the size the header names is already a mismatch: a larger file is not read to its end.
    bytes = await readInputFile(join(dir, header.tensors), Math.max(header.bytes, 1));
  } catch (error) {
    throw invalid(`${header.tensors} is missing or unreadable`, error);
  }
  if (bytes.length !== header.bytes || createHash('sha256').update(bytes).digest('hex') !== header.sha256) {
    throw invalid(`${header.tensors} does not match its sha256 (truncated or corrupt)`);
  }
  if (bytes.length % 4 !== 0) throw invalid(`${header.tensors} is not whole float32 values`);
  const aligned = new Float32Array(bytes.length / 4);
  let joined: unknown;
  new Uint8Array(aligned.buffer).set(bytes);
  try {
    const { blobIndex, ...rest } = header.data as { blobIndex: Array<[number, number]> };
    const blobs = blobIndex.map(([offset, length]) => aligned.slice(offset, offset + length));
    joined = joinBlobs(rest, blobs);
  } catch (error) {
    throw invalid(`its index is damaged (${errorMessage(error)})`, error);
  }
  const parsed = checkpointDataSchema.safeParse(joined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join('.') || 'data'}: ${issue?.message}`);
  }
  return parsed.data as CheckpointData;
}
