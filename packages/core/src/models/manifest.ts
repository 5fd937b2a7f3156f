import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { DlError, errorMessage } from '../errors.js';
import { hashModelFile, MAX_MODEL_FILE_BYTES, readModelFileBytes, resolveInside } from './model-file.js';

export { MAX_MODEL_FILE_BYTES } from './model-file.js';

export const MANIFEST_FILE = 'dlkit.json';

export interface AssertNoModelOptions {
  /** Replace the model that is there (default false: OUTPUT_EXISTS). */
  overwrite?: boolean | undefined;
}

/**
 * Refuses to train into a folder that already holds a model (its `dlkit.json`, a link included): OUTPUT_EXISTS,
 * with a hint to `overwrite`, unless `overwrite` is true. Called by every trainer before it trains, so that a
 * rerun with the same output neither replaces a model silently nor wastes its training on a refusal at the end.
 * An empty `dir` (no output asked for) passes.
 */
export async function assertNoModel(dir: string | undefined, options: AssertNoModelOptions = {}): Promise<void> {
  if (dir === undefined || dir === '' || options.overwrite === true) return;
  const manifestPath = join(dir, MANIFEST_FILE);
  const exists = await lstat(manifestPath).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return false;
      throw new DlError('OUTPUT_UNWRITABLE', `Cannot check the model folder ${dir}: ${errorMessage(error)}`, { cause: error });
    },
  );
  if (exists) {
    throw new DlError('OUTPUT_EXISTS', `${dir} already holds a model (${MANIFEST_FILE}); choose another folder or replace it`, {
      hint: { kind: 'use-option', option: 'overwrite', value: true },
    });
  }
}

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
  /**
   * tfjs-weights: tfjs weight manifests that the task package's own code builds the networks for (face-api).
   * tesseract: a Tesseract traineddata that vision's OCR reads from an installed npm package (an optional peer), so
   * its `files` are none of this folder's; vision checks the package's file against `sha256` when it loads it.
   */
  runtime: z.enum(['onnx', 'tfjs-graph', 'tfjs-layers', 'tfjs-weights', 'tesseract']),
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
  /** Real path of the file in each role (inside the folder's real path; checked against its sha256). */
  paths: Record<string, string>;
}

/** A manifest is a few KB; this bounds what a hostile one can make us parse. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** The real path of a model folder; a folder that does not exist has no dlkit.json. */
async function realFolder(dir: string): Promise<string> {
  try {
    return await realpath(dir);
  } catch (error) {
    throw new DlError('MODEL_NOT_FOUND', `No ${MANIFEST_FILE} in model folder ${dir} (the folder cannot be read)`, { cause: error });
  }
}

async function readManifestJson(root: string, dir: string): Promise<unknown> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const real = await resolveInside(root, MANIFEST_FILE, manifestPath);
  if (real === undefined) throw new DlError('MODEL_NOT_FOUND', `No ${MANIFEST_FILE} in model folder ${dir}`);
  const { bytes } = await readModelFileBytes(real, manifestPath, MAX_MANIFEST_BYTES);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new DlError('MODEL_INVALID', `Unreadable ${manifestPath}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * Reads and validates `dir/dlkit.json` and checks the sha256 of every file it names. Each file must resolve
 * (symlinks included) inside the folder's real path and be a regular file of at most `MAX_MODEL_FILE_BYTES`.
 */
export async function loadManifest(dir: string): Promise<LoadedManifest> {
  const root = await realFolder(dir);
  const manifestPath = join(dir, MANIFEST_FILE);
  const parsed = manifestSchema.safeParse(await readManifestJson(root, dir));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DlError('MODEL_INVALID', `Invalid ${manifestPath}: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const manifest = parsed.data;
  const paths: Record<string, string> = {};
  for (const [role, file] of Object.entries(manifest.files)) {
    const expected = manifest.sha256[file];
    if (expected === undefined) throw new DlError('MODEL_INVALID', `${manifestPath} gives no sha256 for ${file}`);
    const shown = join(dir, file);
    const path = await resolveInside(root, file, shown);
    if (path === undefined) throw new DlError('MODEL_INVALID', `Model file ${shown} is missing`);
    if ((await hashModelFile(path, shown)) !== expected) {
      throw new DlError('MODEL_INVALID', `Model file ${shown} does not match its sha256 in ${MANIFEST_FILE} (corrupt or tampered)`);
    }
    paths[role] = path;
  }
  return { dir: dir.endsWith(sep) ? dir.slice(0, -1) : dir, manifest, paths };
}

/**
 * The bytes of a checked model's file in `role`, read once and hashed again: what a loader gets is exactly what
 * matches the manifest, even if the file was replaced after `loadManifest`.
 */
export async function readModelFile(loaded: LoadedManifest, role: string): Promise<Buffer> {
  const path = loaded.paths[role];
  const file = loaded.manifest.files[role];
  if (path === undefined || file === undefined) {
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} (${loaded.dir}) has no '${role}' file in its ${MANIFEST_FILE}`);
  }
  const { bytes, sha256 } = await readModelFileBytes(path, path);
  if (sha256 !== loaded.manifest.sha256[file]) {
    throw new DlError('MODEL_INVALID', `Model file ${path} changed since it was checked: it no longer matches its sha256 in ${MANIFEST_FILE}; load the model again`);
  }
  return bytes;
}
