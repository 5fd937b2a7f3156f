import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DlError, errorMessage } from '../errors.js';
import { dlSettings } from './settings.js';

/** A file of a hub repository as the hub's API lists it (`?blobs=true`). */
interface HubSibling {
  rfilename: string;
  size?: number;
  /** Git blob id (sha1 of "blob <size>\0" + content): what small files are checked against. */
  blobId?: string;
  /** Large files: their sha256. */
  lfs?: { sha256: string; size: number };
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
  if (!name.includes('/')) return name.endsWith('.json') || name.endsWith('.txt') || name.endsWith('.model');
  const onnx = /^onnx\/(.+?)\.onnx(_data(_\d+)?)?$/.exec(name);
  if (!onnx) return false;
  const stem = onnx[1]!;
  const suffix = DTYPE_SUFFIXES.find((s) => stem.endsWith(s));
  return dtype === 'fp32' ? suffix === undefined : suffix === `_${dtype === 'q8' ? 'quantized' : dtype}`;
}

async function fetchOrThrow(url: string, id: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new DlError('MODEL_OFFLINE', `Cannot reach the hub for ${id} (${url}): ${errorMessage(error)}`, { cause: error });
  }
  if (response.status === 401 || response.status === 404) {
    throw new DlError('MODEL_NOT_FOUND', `Hub model ${id} was not found (${response.status} from ${url})`);
  }
  if (!response.ok && response.status !== 206) throw new DlError('MODEL_OFFLINE', `The hub answered ${response.status} for ${url}`);
  return response;
}

async function hashFile(path: string, algorithm: 'sha256' | 'sha1', prefix?: Buffer): Promise<string> {
  const hash = createHash(algorithm);
  if (prefix) hash.update(prefix);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
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

const sizeOf = (path: string) => stat(path).then((s) => s.size, () => undefined);

/**
 * Downloads a hub model into the cache that transformers.js reads (`DL_CACHE/hub/<org>/<name>/...`): the file
 * list comes from the hub's API with each file's hash; every file is downloaded to `<file>.part`, resumed with an
 * HTTP range request after an interruption (in this run or a later one), checked against its sha256 (LFS) or git
 * blob id, and only then renamed into place. A file that fails its check is deleted and is `MODEL_INVALID`.
 */
export async function pullHubModel(id: string, options: PullOptions = {}): Promise<{ dir: string; files: PulledFile[] }> {
  const settings = dlSettings();
  if (settings.offline) throw new DlError('MODEL_OFFLINE', `Cannot pull ${id} with DL_OFFLINE=1`);
  const revision = options.revision ?? 'main';
  const api = `${settings.hubEndpoint}/api/models/${id}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const listing = (await (await fetchOrThrow(api, id)).json().catch(() => null)) as { siblings?: HubSibling[] } | null;
  if (!Array.isArray(listing?.siblings)) throw new DlError('MODEL_INVALID', `The hub's answer for ${id} lists no files (${api})`);
  const wanted = listing.siblings.filter((s) => wantedHubFile(s.rfilename, options.dtype));
  if (!wanted.some((s) => s.rfilename.endsWith('.onnx'))) {
    throw new DlError('MODEL_INVALID', `Hub model ${id} has no ONNX weights${options.dtype ? ` for dtype ${options.dtype}` : ''} (transformers.js needs onnx/*.onnx)`);
  }
  const dir = join(settings.cacheDir, 'hub', id);
  const files: PulledFile[] = [];
  for (const sibling of wanted) files.push(await pullFile(id, revision, dir, sibling, options));
  return { dir, files };
}

async function pullFile(id: string, revision: string, dir: string, sibling: HubSibling, options: PullOptions): Promise<PulledFile> {
  const { hubEndpoint } = dlSettings();
  const target = join(dir, sibling.rfilename);
  const part = `${target}.part`;
  const expected = sibling.lfs?.size ?? sibling.size;
  const existing = await sizeOf(target);
  if (existing !== undefined && (expected === undefined || existing === expected)) {
    const verified = await verify(target, sibling, existing);
    if (verified) return { file: sibling.rfilename, size: existing, verified, status: 'cached' };
  }
  await mkdir(dirname(target), { recursive: true });
  const url = `${hubEndpoint}/${id}/resolve/${encodeURIComponent(revision)}/${sibling.rfilename}`;
  const attempts = options.attempts ?? 3;
  let resumed = false;
  for (let attempt = 1; ; attempt++) {
    const have = (await sizeOf(part)) ?? 0;
    if (expected !== undefined && have === expected) break; // complete: an earlier run stopped before the check
    try {
      const response = await fetchOrThrow(url, id, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {});
      const append = have > 0 && response.status === 206;
      resumed ||= append;
      const total = expected ?? (Number(response.headers.get('content-length')) || undefined);
      let loaded = append ? have : 0;
      const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        loaded += chunk.length;
        options.onProgress?.({ file: sibling.rfilename, loaded, total });
      });
      await pipeline(body, createWriteStream(part, { flags: append ? 'a' : 'w' }));
      break;
    } catch (error) {
      if (error instanceof DlError && error.code === 'MODEL_NOT_FOUND') throw error;
      if (attempt >= attempts) {
        throw new DlError('MODEL_OFFLINE', `Download of ${sibling.rfilename} for ${id} was interrupted ${attempts} times (${errorMessage(error)}); run the pull again to resume`, { cause: error });
      }
    }
  }
  const size = (await sizeOf(part))!;
  const verified = expected === undefined || size === expected ? await verify(part, sibling, size) : undefined;
  if (!verified) {
    await rm(part, { force: true });
    throw new DlError('MODEL_INVALID', `${sibling.rfilename} of ${id} does not match the hub's ${sibling.lfs ? 'sha256' : expected !== undefined && size !== expected ? 'size' : 'git blob id'}: deleted (corrupt download or tampered mirror)`);
  }
  await rename(part, target);
  return { file: sibling.rfilename, size, verified, status: resumed ? 'resumed' : 'downloaded' };
}
