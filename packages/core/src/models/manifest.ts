import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { DlError, errorMessage } from '../errors.js';

export const MANIFEST_FILE = 'dlkit.json';

const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !isAbsolute(p) && !normalize(p).split(/[\\/]/).includes('..'), 'must be a path inside the model folder');

/**
 * `dlkit.json`: what a model folder holds and how to use it. Core checks the generic part; the `input` and
 * `labels` sections belong to the task's package, which validates them.
 */
export const manifestSchema = z.object({
  name: z.string().min(1),
  task: z.string().min(1),
  /** tfjs-weights: tfjs weight manifests that the task package's own code builds the networks for (face-api). */
  runtime: z.enum(['onnx', 'tfjs-graph', 'tfjs-layers', 'tfjs-weights']),
  /** Role -> file, e.g. { "model": "model.onnx", "labels": "labels.json" }. */
  files: z.record(z.string(), relativeFile),
  /** File -> hex sha256, for every file in `files`. */
  sha256: z.record(relativeFile, z.string().regex(/^[0-9a-f]{64}$/)),
  input: z.record(z.string(), z.unknown()).optional(),
  source: z.string().min(1),
  license: z.string().min(1),
  metrics: z.record(z.string(), z.unknown()).optional(),
  /** For models we trained: data, seed, epochs, the command that reproduces them. */
  training: z.record(z.string(), z.unknown()).optional(),
});

export type ModelManifest = z.infer<typeof manifestSchema>;

export interface LoadedManifest {
  dir: string;
  manifest: ModelManifest;
  /** Absolute path of the file in each role. */
  paths: Record<string, string>;
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads and validates `dir/dlkit.json` and checks the sha256 of every file it names. */
export async function loadManifest(dir: string): Promise<LoadedManifest> {
  const manifestPath = join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DlError(
      missing ? 'MODEL_NOT_FOUND' : 'MODEL_INVALID',
      missing ? `No ${MANIFEST_FILE} in model folder ${dir}` : `Unreadable ${manifestPath}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DlError('MODEL_INVALID', `Invalid ${manifestPath}: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const manifest = parsed.data;
  const paths: Record<string, string> = {};
  for (const [role, file] of Object.entries(manifest.files)) {
    const expected = manifest.sha256[file];
    if (expected === undefined) throw new DlError('MODEL_INVALID', `${manifestPath} gives no sha256 for ${file}`);
    const path = join(dir, file);
    let actual: string;
    try {
      actual = await sha256Of(path);
    } catch (error) {
      throw new DlError('MODEL_INVALID', `Model file ${path} is missing or unreadable`, { cause: error });
    }
    if (actual !== expected) {
      throw new DlError('MODEL_INVALID', `Model file ${path} does not match its sha256 in ${MANIFEST_FILE} (corrupt or tampered)`);
    }
    paths[role] = path;
  }
  return { dir: dir.endsWith(sep) ? dir.slice(0, -1) : dir, manifest, paths };
}
