import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { DlError } from '../errors.js';
import { isInside } from '../io/path-inside.js';

/**
 * Bound on one model file. A single ONNX protobuf cannot exceed 2 GiB (larger models keep their weights in
 * external data files), and a tfjs weights file is far smaller: anything bigger is not a model file we load.
 */
export const MAX_MODEL_FILE_BYTES = 2 * 1024 ** 3;

const CHUNK = 1024 * 1024;

/**
 * The real path of `file` inside the model folder whose real path is `root`, or undefined when it does not
 * exist. Symlinks are resolved first (of the file and of every sub-folder), so a link that points outside the
 * folder is refused however its text reads.
 */
export async function resolveInside(root: string, file: string, shown: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(join(root, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new DlError('MODEL_INVALID', `Model file ${shown} cannot be resolved (${code ?? 'error'})`, { cause: error });
  }
  if (!isInside(real, root)) {
    throw new DlError('MODEL_INVALID', `Model file ${shown} resolves to ${real}, outside the model folder ${root}: links out of a model folder are refused`);
  }
  return real;
}

/**
 * Opens a model file and checks it is a regular file under `maxBytes`. O_NONBLOCK: a FIFO opens at once (and
 * is then refused) instead of waiting for a writer; O_NOFOLLOW: a symlink swapped in after `resolveInside`
 * is not followed.
 */
async function openRegular(path: string, shown: string, maxBytes: number): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    throw new DlError('MODEL_INVALID', `Model file ${shown} is missing or unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  const stat = await handle.stat();
  let problem: string | undefined;
  if (!stat.isFile()) problem = 'is not a regular file (a device, FIFO or socket): a model folder holds regular files only';
  else if (stat.size > maxBytes) problem = `is ${stat.size} bytes, over the ${maxBytes} bytes allowed for one model file`;
  if (problem !== undefined) {
    await handle.close();
    throw new DlError('MODEL_INVALID', `Model file ${shown} ${problem}`);
  }
  return { handle, size: stat.size };
}

/** Reads the `size` bytes that fstat reported, chunk by chunk: a file that changes meanwhile fails its hash check. */
async function readAll(handle: FileHandle, size: number, onChunk: (chunk: Buffer) => void, into?: Buffer): Promise<number> {
  const scratch = into ? undefined : Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
  let done = 0;
  while (done < size) {
    const target = into ?? scratch!;
    const offset = into ? done : 0;
    const { bytesRead } = await handle.read(target, offset, Math.min(CHUNK, size - done), done);
    if (bytesRead === 0) break;
    onChunk(target.subarray(offset, offset + bytesRead));
    done += bytesRead;
  }
  return done;
}

/** The sha256 (hex) of a model file, read through one handle after the checks of `openRegular`. */
export async function hashModelFile(path: string, shown: string, maxBytes = MAX_MODEL_FILE_BYTES): Promise<string> {
  const { handle, size } = await openRegular(path, shown, maxBytes);
  try {
    const hash = createHash('sha256');
    await readAll(handle, size, (chunk) => hash.update(chunk));
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

/** A whole model file in memory with its sha256, so that the bytes a caller checks are the bytes it loads. */
export async function readModelFileBytes(path: string, shown: string, maxBytes = MAX_MODEL_FILE_BYTES): Promise<{ bytes: Buffer; sha256: string }> {
  const { handle, size } = await openRegular(path, shown, maxBytes);
  try {
    const hash = createHash('sha256');
    const bytes = Buffer.alloc(size);
    const read = await readAll(handle, size, (chunk) => hash.update(chunk), bytes);
    return { bytes: bytes.subarray(0, read), sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}
