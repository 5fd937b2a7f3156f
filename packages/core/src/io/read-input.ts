import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DlError, isDlError } from '../errors.js';

/** Default cap on one input file: far above any photo or clip a pipeline takes, far below memory. */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Default deadline for reading one local file: a regular file is read long before this, a stuck mount is not. */
export const DEFAULT_FILE_TIMEOUT_MS = 60_000;

export interface ReadFileOptions {
  /** Largest number of bytes read (default 256 MiB); one byte more is INPUT_TOO_LARGE. */
  maxBytes?: number;
  /** Deadline for the whole read (default 60 s). */
  timeoutMs?: number;
  /** Also take a FIFO (named pipe, or `<(command)` in a shell), read as a stream: only for a caller that asked. */
  allowFifo?: boolean;
}

/** What a non-regular file is, in words, for the error that refuses it. */
function kindOf(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

function openError(path: string, error: unknown): DlError {
  const code = (error as NodeJS.ErrnoException).code;
  // A name read from a folder that was not UTF-8 reached us with U+FFFD for its bad bytes: say so, not "no such file".
  if (code === 'ENOENT' && path.includes('\uFFFD')) {
    return new DlError('INPUT_UNREADABLE', `${path}: cannot be opened: its name is not valid UTF-8 (\uFFFD marks the bytes); rename the file`, { cause: error });
  }
  if (code === 'ENOENT') return new DlError('INPUT_NOT_FOUND', `${path}: no such file`, { cause: error });
  // open() of a Unix socket.
  if (code === 'ENXIO') return new DlError('INPUT_UNSUPPORTED', `${path}: is a socket, not a regular file; give a regular file`, { cause: error });
  return new DlError('INPUT_UNREADABLE', `${path}: cannot be read (${code ?? 'error'})`, { cause: error });
}

/** INPUT_TOO_LARGE for an input that gave (or would give) more than `maxBytes`. */
export function tooLarge(name: string, maxBytes: number): DlError {
  return new DlError('INPUT_TOO_LARGE', `${name}: more than the ${maxBytes}-byte limit; give a smaller input or raise the limit`);
}

/**
 * Opens an input file without blocking and checks what it is on the open handle: O_NONBLOCK keeps open() of a
 * FIFO from waiting for a writer for ever, and fstat sees what a symlink points at (a link to /dev/zero is a
 * device). Anything but a regular file is refused with a typed error naming what it is (a FIFO passes with
 * `allowFifo`), and so is a file that is already over `maxBytes`. The caller closes the handle.
 */
export async function openInputFile(path: string, options: Omit<ReadFileOptions, 'timeoutMs'> = {}): Promise<{ handle: FileHandle; stat: Stats }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw openError(path, error);
  }
  try {
    const stat = await handle.stat();
    const kind = kindOf(stat);
    if (kind === 'a directory') throw new DlError('INPUT_UNREADABLE', `${path}: is a directory`);
    if (kind !== undefined && !(kind === 'a FIFO' && options.allowFifo)) {
      // A FIFO is a stream the caller may choose to take; a device or socket never is.
      const hint = kind === 'a FIFO' ? { hint: { kind: 'use-option', option: 'allowFifo', value: true } as const } : {};
      throw new DlError('INPUT_UNSUPPORTED', `${path}: is ${kind}, not a regular file; give a regular file`, hint);
    }
    if (stat.size > (options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES)) throw tooLarge(path, options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES);
    return { handle, stat };
  } catch (error) {
    await handle.close();
    throw isDlError(error) ? error : new DlError('INPUT_UNREADABLE', `${path}: cannot be read`, { cause: error });
  }
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** One read: its byte count, or -1 where a FIFO has no data yet (EAGAIN: opened without blocking). */
async function readSome(handle: FileHandle, chunk: Buffer): Promise<number> {
  try {
    return (await handle.read(chunk, 0, chunk.length, null)).bytesRead;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return -1;
    throw error;
  }
}

/**
 * The file's bytes in chunks, up to `maxBytes + 1`: the cap is on bytes read, so a file that grows while read
 * cannot pass it. A FIFO answers EAGAIN while its writer is silent and 0 before any writer came: both mean
 * "wait" until a writer has been seen; then 0 is the end. `stopped` ends the wait (at the deadline).
 */
async function* fileChunks(handle: FileHandle, stat: Stats, maxBytes: number, name: string, stopped: () => boolean, whole: boolean): AsyncGenerator<Buffer> {
  let total = 0;
  let writerSeen = !stat.isFIFO();
  while (!stopped()) {
    // Read whole, the first read takes the file as stat saw it, plus one byte to see the end.
    const want = Math.min(whole && total === 0 && stat.isFile() ? stat.size + 1 : 1 << 20, maxBytes + 1 - total);
    const chunk = Buffer.allocUnsafe(want);
    const bytesRead = await readSome(handle, chunk);
    if (bytesRead === 0 && writerSeen) return;
    writerSeen ||= bytesRead !== 0;
    if (bytesRead <= 0) {
      await pause(20);
      continue;
    }
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(name, maxBytes);
    yield chunk.subarray(0, bytesRead);
  }
}

/**
 * The chunks of `source` until `timeoutMs` has passed since the start, then a typed error (ending in
 * `advice`); `onTimeout` first tells the source to stop.
 */
export async function* withDeadline<T>(source: AsyncIterable<T>, timeoutMs: number, name: string, advice: string, onTimeout = () => {}): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const late = () => new DlError('INPUT_UNREADABLE', `${name}: not read within ${timeoutMs / 1000} s; ${advice}`);
  let expired = false;
  // The timer rejects the step in flight. (Racing every step against one long-lived promise would keep every
  // chunk alive: each race leaves a reaction on it.)
  let failStep: ((error: DlError) => void) | undefined;
  const timer = setTimeout(() => {
    expired = true;
    onTimeout();
    failStep?.(late());
  }, timeoutMs);
  try {
    for (;;) {
      if (expired) throw late();
      const step = await new Promise<IteratorResult<T>>((resolve, reject) => {
        failStep = reject;
        iterator.next().then(resolve, reject);
      });
      failStep = undefined;
      if (step.done) return;
      yield step.value;
    }
  } finally {
    clearTimeout(timer);
    // After the deadline a read may still be pending, and return() would wait for it: let it finish on its own.
    const closing = iterator.return?.();
    if (!expired) await closing;
    else closing?.catch(() => {});
  }
}

/** Collects a stream up to `maxBytes`, then stops reading it. */
export async function readCapped(chunks: AsyncIterable<Uint8Array>, maxBytes: number, name: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(name, maxBytes);
    parts.push(chunk);
  }
  return parts.length === 1 ? Buffer.from(parts[0]!.buffer, parts[0]!.byteOffset, parts[0]!.length) : Buffer.concat(parts, total);
}

/**
 * An input file as a stream of chunks: a regular file (a FIFO only with `allowFifo`), at most `maxBytes`
 * bytes, within `timeoutMs`; every failure a typed error naming the file. The file is closed at the end or
 * when the reader stops early.
 */
export async function* readInputFileStream(path: string, options: ReadFileOptions = {}, whole = false): AsyncGenerator<Buffer> {
  const { maxBytes = DEFAULT_MAX_INPUT_BYTES, timeoutMs = DEFAULT_FILE_TIMEOUT_MS, allowFifo = false } = options;
  const { handle, stat } = await openInputFile(path, { allowFifo, maxBytes });
  let stopped = false;
  try {
    const chunks = fileChunks(handle, stat, maxBytes, path, () => stopped, whole);
    yield* withDeadline(chunks, timeoutMs, path, 'check that it is a local, readable file', () => (stopped = true));
  } catch (error) {
    if (isDlError(error)) throw error;
    throw new DlError('INPUT_UNREADABLE', `${path}: cannot be read`, { cause: error });
  } finally {
    await handle.close();
  }
}

/** A whole input file (see `readInputFileStream`). A number as second argument is `maxBytes`. */
export async function readInputFile(path: string, options: number | ReadFileOptions = {}): Promise<Buffer> {
  const settings = typeof options === 'number' ? { maxBytes: options } : options;
  return readCapped(readInputFileStream(path, settings, true), settings.maxBytes ?? DEFAULT_MAX_INPUT_BYTES, path);
}
