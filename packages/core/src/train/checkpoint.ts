import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DlError, errorMessage } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { EpochLogs } from './callbacks/callback.js';

export const CHECKPOINT_FILE = 'checkpoint.json';

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
}

const headerSchema = z.object({
  format: z.literal('dlkit-checkpoint'),
  version: z.literal(1),
  tensors: z.string().regex(/^tensors-\d+\.bin$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
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

/** Reads a checkpoint written by `writeCheckpoint`; anything missing, truncated or altered is `CHECKPOINT_INVALID`. */
export async function readCheckpoint(dir: string): Promise<CheckpointData> {
  const invalid = (why: string, cause?: unknown) =>
    new DlError('CHECKPOINT_INVALID', `Checkpoint ${dir} cannot be used: ${why}`, cause === undefined ? undefined : { cause });
  let header: z.infer<typeof headerSchema>;
  try {
    const parsed = headerSchema.safeParse(JSON.parse(await readFile(join(dir, CHECKPOINT_FILE), 'utf8')));
    if (!parsed.success) throw invalid(`${CHECKPOINT_FILE} is not a dlkit checkpoint (${parsed.error.issues[0]?.message})`);
    header = parsed.data;
  } catch (error) {
    if (error instanceof DlError) throw error;
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw invalid(missing ? `no ${CHECKPOINT_FILE} in it` : `${CHECKPOINT_FILE} is unreadable (${errorMessage(error)})`, error);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, header.tensors));
  } catch (error) {
    throw invalid(`${header.tensors} is missing or unreadable`, error);
  }
  if (bytes.length !== header.bytes || createHash('sha256').update(bytes).digest('hex') !== header.sha256) {
    throw invalid(`${header.tensors} does not match its sha256 (truncated or corrupt)`);
  }
  const aligned = new Float32Array(bytes.length / 4);
  new Uint8Array(aligned.buffer).set(bytes);
  try {
    const { blobIndex, ...rest } = header.data as { blobIndex: Array<[number, number]> };
    const blobs = blobIndex.map(([offset, length]) => aligned.slice(offset, offset + length));
    return joinBlobs(rest, blobs) as CheckpointData;
  } catch (error) {
    throw invalid(`its index is damaged (${errorMessage(error)})`, error);
  }
}
