import { mkdir, realpath, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { z } from 'zod';
import { DlError } from '../errors.js';
import { downloadPart, fetchFollowing, hashFile, regularFileSize, responseStream, type DownloadContext } from '../io/download.js';
import { MAX_MODEL_FILE_BYTES, resolveInside } from './model-file.js';
import { cacheFolder, dlSettings } from './settings.js';
import { HUB_DTYPES } from './hub.js';
import { hubCacheParts, isHubId, isHubRevision } from './store.js';

/** Bounds on what a hub's listing may make us parse and fetch (a real model repository lists a few dozen files). */
const MAX_LISTING_BYTES = 16 * 1024 * 1024;
const MAX_LISTING_FILES = 10_000;
const MAX_FILE_NAME = 1024;

/** How hub downloads fail: MODEL_* errors, a redirect refusal pointing at the endpoint setting. */
const hubContext = (id: string): DownloadContext => ({ server: 'the hub', subject: id, offline: 'MODEL_OFFLINE', notFound: 'MODEL_NOT_FOUND', invalid: 'MODEL_INVALID', advice: 'check DL_HUB_ENDPOINT' });

/** A file of a hub repository as the hub's API lists it (`?blobs=true`). */
const siblingSchema = z.object({
  rfilename: z.string(),
  size: z.number().int().nonnegative().optional(),
  /** Git blob id (sha1 of "blob <size>\0" + content): what small files are checked against. */
  blobId: z.string().regex(/^[0-9a-f]{40}$/).optional(),
  /** Large files: their sha256. */
  lfs: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative() }).optional(),
});
type HubSibling = z.infer<typeof siblingSchema>;
const listingSchema = z.object({ siblings: z.array(z.unknown()) });

/**
 * Whether a listed name is a plain relative path that `join` keeps inside the model folder: no absolute path,
 * no `.`/`..`/empty part, no backslash (a separator on Windows), no control characters, a sane length.
 */
function isPlainHubFileName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_FILE_NAME || name.includes('\\') || isAbsolute(name)) return false;
  if (/[\x00-\x1f\x7f]/.test(name)) return false;
  return name.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part.length <= 255);
}

export interface PullOptions {
  /** Weights variant: fp32 (default, what transformers.js loads on CPU), q8, fp16, ... */
  dtype?: string;
  revision?: string;
  onProgress?: (event: { file: string; loaded: number; total: number | undefined }) => void;
  /** Tries per file; each one resumes from the bytes already on disk (default 3). */
  attempts?: number;
}

export interface PulledFile {
  file: string;
  size: number;
  /** How the file was checked: `sha256:<hex>` or `git-sha1:<hex>`. */
  verified: string;
  /** `cached`: already complete on disk; `downloaded`; `resumed`: continued from an interrupted download. */
  status: 'cached' | 'downloaded' | 'resumed';
}

const DTYPE_SUFFIXES = ['_fp16', '_int8', '_uint8', '_quantized', '_q4', '_q2', '_q1', '_q4f16', '_q2f16', '_q1f16', '_bnb4'];

/** The files transformers.js reads for a model: its JSON configs and tokenizer, and the ONNX weights of one dtype. */
export function wantedHubFile(name: string, dtype = 'fp32'): boolean {
  if (!isPlainHubFileName(name)) return false;
  if (!name.includes('/')) return name.endsWith('.json') || name.endsWith('.txt') || name.endsWith('.model');
  const onnx = /^onnx\/(.+?)\.onnx(_data(_\d+)?)?$/.exec(name);
  if (!onnx) return false;
  const stem = onnx[1]!;
  const suffix = DTYPE_SUFFIXES.find((s) => stem.endsWith(s));
  return dtype === 'fp32' ? suffix === undefined : suffix === `_${dtype === 'q8' ? 'quantized' : dtype}`;
}

/** The body of a response, refused past `max` bytes while it arrives (an endless answer never fills memory). */
async function boundedText(response: Response, max: number, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of responseStream(response)) {
    bytes += (chunk as Buffer).length;
    if (bytes > max) throw new DlError('MODEL_INVALID', `${what} is over ${max} bytes: refused (not a model repository's listing)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The hub's file listing for `id`, validated whole before anything is written: shape, count and every name. */
async function readListing(id: string, revision: string): Promise<HubSibling[]> {
  const api = `${dlSettings().hubEndpoint}/api/models/${id}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const what = `The hub's answer for ${id} (${api})`;
  const response = await fetchFollowing(api, hubContext(id));
  let raw: unknown;
  try {
    raw = JSON.parse(await boundedText(response, MAX_LISTING_BYTES, what));
  } catch (error) {
    if (error instanceof DlError) throw error;
    throw new DlError('MODEL_INVALID', `${what} is not JSON: check DL_HUB_ENDPOINT`, { cause: error });
  }
  const listing = listingSchema.safeParse(raw);
  if (!listing.success) throw new DlError('MODEL_INVALID', `${what} lists no files`);
  const entries = listing.data.siblings;
  if (entries.length > MAX_LISTING_FILES) {
    throw new DlError('MODEL_INVALID', `${what} lists ${entries.length} files, over the ${MAX_LISTING_FILES} a model repository may list: refused`);
  }
  return entries.map((entry, i) => {
    const sibling = siblingSchema.safeParse(entry);
    if (!sibling.success) throw new DlError('MODEL_INVALID', `${what}: file entry ${i} is malformed (${sibling.error.issues[0]?.path.join('.')} ${sibling.error.issues[0]?.message}); nothing was written`);
    if (!isPlainHubFileName(sibling.data.rfilename)) {
      const name = sibling.data.rfilename;
      const shown = JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}...` : name);
      throw new DlError('MODEL_INVALID', `${what} lists the file ${shown}, which is not a plain relative path inside the model folder: refused, nothing was written`);
    }
    return sibling.data;
  });
}

async function verify(path: string, sibling: HubSibling, size: number): Promise<string | undefined> {
  if (sibling.lfs) {
    const actual = await hashFile(path, 'sha256');
    return actual === sibling.lfs.sha256 ? `sha256:${actual}` : undefined;
  }
  if (sibling.blobId) {
    const actual = await hashFile(path, 'sha1', Buffer.from(`blob ${size}\0`));
    return actual === sibling.blobId ? `git-sha1:${actual}` : undefined;
  }
  return 'size only (the hub gave no hash)';
}

/**
 * Creates the folders `parts` one at a time inside `root` (a real path) and gives the real path of the last: a
 * folder that is a link leading out of `root` is refused before anything is created through it.
 */
async function folderInside(root: string, parts: string[], shown: string): Promise<string> {
  let current = root;
  for (const part of parts) {
    const next = join(current, part);
    await mkdir(next).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return;
      throw new DlError('INVALID_ARGUMENT', `Cannot create ${next} in DL_CACHE for ${shown} (${error.code ?? 'error'}): check that DL_CACHE is a writable folder`, { cause: error });
    });
    current = (await resolveInside(root, relative(root, next), shown)) ?? next;
  }
  return current;
}

/**
 * Downloads a hub model into the cache that transformers.js reads (`DL_CACHE/hub/<org>/<name>/...`): the file
 * list comes from the hub's API with each file's hash and is checked whole first (names, count, size of the
 * answer); every file is downloaded to `<file>.part` inside the model folder's real path, resumed with an HTTP
 * range request after an interruption (in this run or a later one), checked against its sha256 (LFS) or git
 * blob id, and only then renamed into place. A file that fails its check is deleted and is `MODEL_INVALID`.
 */
export async function pullHubModel(id: string, options: PullOptions = {}): Promise<{ dir: string; files: PulledFile[] }> {
  if (!isHubId(id)) {
    throw new DlError('INVALID_ARGUMENT', `'${id}' is not a hub id: org/name, each part letters, digits, '_', '-' or '.', starting and ending with a letter or digit`);
  }
  const settings = dlSettings();
  if (settings.offline) throw new DlError('MODEL_OFFLINE', `Cannot pull ${id} with DL_OFFLINE=1`);
  if (options.dtype !== undefined && (options.dtype === 'auto' || !(HUB_DTYPES as readonly string[]).includes(options.dtype))) {
    throw new DlError('INVALID_ARGUMENT', `dtype '${options.dtype}' is not a weights variant to pull: ${HUB_DTYPES.filter((d) => d !== 'auto').join(', ')}`, { parameter: 'dtype' });
  }
  const revision = options.revision ?? 'main';
  if (!isHubRevision(revision)) {
    throw new DlError('INVALID_ARGUMENT', `revision '${revision}' is not a branch, tag or commit name (letters, digits, '.', '_', '-')`, { parameter: 'revision' });
  }
  const hub = await realpath(await cacheFolder('hub', settings));
  const wanted = (await readListing(id, revision)).filter((s) => wantedHubFile(s.rfilename, options.dtype));
  if (!wanted.some((s) => s.rfilename.endsWith('.onnx'))) {
    throw new DlError('MODEL_INVALID', `Hub model ${id} has no ONNX weights${options.dtype ? ` for dtype ${options.dtype}` : ''} (transformers.js needs onnx/*.onnx)`);
  }
  // Where transformers.js looks for this revision: main's files in <org>/<name>, another's in <org>/<name>/<revision>.
  const parts = hubCacheParts(id, revision);
  const root = await folderInside(hub, parts, `the cache folder of ${id}`);
  const files: PulledFile[] = [];
  for (const sibling of wanted) files.push(await pullFile(id, revision, root, sibling, options));
  return { dir: join(settings.cacheDir, 'hub', ...parts), files };
}

async function pullFile(id: string, revision: string, root: string, sibling: HubSibling, options: PullOptions): Promise<PulledFile> {
  const { hubEndpoint } = dlSettings();
  const parts = sibling.rfilename.split('/');
  const target = join(await folderInside(root, parts.slice(0, -1), `${sibling.rfilename} of ${id}`), parts[parts.length - 1]!);
  const part = `${target}.part`;
  const expected = sibling.lfs?.size ?? sibling.size;
  const existing = await regularFileSize(target);
  if (existing !== undefined && (expected === undefined || existing === expected)) {
    const verified = await verify(target, sibling, existing);
    if (verified) return { file: sibling.rfilename, size: existing, verified, status: 'cached' };
  }
  const url = `${hubEndpoint}/${id}/resolve/${encodeURIComponent(revision)}/${sibling.rfilename.split('/').map(encodeURIComponent).join('/')}`;
  // A file the listing gives no size for is bounded like a model file: a hub cannot fill the disk through it.
  const job = { url, part, file: sibling.rfilename, limit: expected ?? MAX_MODEL_FILE_BYTES, ...(expected === undefined ? {} : { expected }) };
  const { resumed } = await downloadPart({ ...job, ...(options.attempts ? { attempts: options.attempts } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) }, hubContext(id));
  return checkAndRename(id, sibling, part, target, resumed);
}

async function checkAndRename(id: string, sibling: HubSibling, part: string, target: string, resumed: boolean): Promise<PulledFile> {
  const expected = sibling.lfs?.size ?? sibling.size;
  const size = (await regularFileSize(part)) ?? 0;
  const verified = expected === undefined || size === expected ? await verify(part, sibling, size) : undefined;
  if (!verified) {
    await rm(part, { force: true });
    throw new DlError('MODEL_INVALID', `${sibling.rfilename} of ${id} does not match the hub's ${sibling.lfs ? 'sha256' : expected !== undefined && size !== expected ? 'size' : 'git blob id'}: deleted (corrupt download or tampered mirror)`);
  }
  await rename(part, target);
  return { file: sibling.rfilename, size, verified, status: resumed ? 'resumed' : 'downloaded' };
}
