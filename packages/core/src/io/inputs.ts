import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, normalize, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { DlError, errorMessage } from '../errors.js';
import { allowedHostsFromEnv, hostAllowed, redirectTarget } from './url-hosts.js';
import { DEFAULT_MAX_INPUT_BYTES, readCapped, readInputFileStream, tooLarge, withDeadline } from './read-input.js';

/** `-` reads standard input. */
export const STDIN = '-';

export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

export interface ExpandOptions {
  /** Extensions (lower case, with the dot) taken from directories and globs; explicit files are always kept. */
  extensions: readonly string[];
  /**
   * Told of each entry of a walked directory that looked like an input but is left out, with why in words:
   * a hidden file, a symlink to a directory (not followed), a broken symlink, a sub-directory that cannot be
   * read. Files with other extensions are not inputs and are not reported.
   */
  onSkip?: (path: string, reason: string) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A path read as bytes, as a string. A name that is not UTF-8 cannot round-trip through a string: it comes back
 * with U+FFFD in place of the bad bytes, and the reader names that when the file then cannot be opened.
 */
function pathString(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** What a walked entry is: an input, a folder to walk, or left out (with why, when it is worth saying). */
async function classify(path: Buffer, entry: Dirent<Buffer>, extensions: readonly string[]): Promise<'input' | 'dir' | { skip?: string }> {
  const name = entry.name.toString('utf8');
  if (entry.isDirectory()) return 'dir';
  if (!extensions.includes(extname(name).toLowerCase())) return {};
  if (name.startsWith('.')) return { skip: 'a hidden file' };
  if (!entry.isSymbolicLink()) return 'input';
  const target = await stat(path).catch(() => undefined);
  if (target === undefined) return { skip: 'a symlink whose target does not exist' };
  // Loops and trees outside the folder are a risk a walk should not take on its own.
  if (target.isDirectory()) return { skip: 'a symlink to a directory (not followed)' };
  // A link to a device or FIFO is kept so that the reader refuses it with its own error.
  return 'input';
}

const trimSep = (dir: string) => (dir.length > 1 && dir.endsWith(sep) ? dir.slice(0, -1) : dir);

/** The files with the given extensions under `dir` (names read as bytes, so any name is seen as it is). */
async function walk(dir: Buffer, options: ExpandOptions, out: string[]): Promise<void> {
  let entries: Dirent<Buffer>[];
  try {
    entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    options.onSkip?.(pathString(dir), `cannot be read (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`);
    return;
  }
  for (const entry of entries) {
    const path = Buffer.concat([dir, Buffer.from(sep), entry.name]);
    const kind = await classify(path, entry, options.extensions);
    if (kind === 'dir') await walk(path, options, out);
    else if (kind === 'input') out.push(pathString(path));
    else if (kind.skip !== undefined) options.onSkip?.(pathString(path), kind.skip);
  }
}

/**
 * Turns command-line inputs into the list to process, in order: a directory becomes its files with the given
 * extensions (recursively, sorted), a glob its matches; URLs, `-` and plain paths stay as they are (a missing
 * path then fails on its own, as INPUT_NOT_FOUND, without stopping the others). A directory or glob that
 * matches nothing is an error: silently doing nothing would hide a typo.
 */
export async function expandInputs(inputs: readonly string[], options: ExpandOptions): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === STDIN || isUrl(input)) {
      out.push(input);
      continue;
    }
    const info = await stat(input).catch(() => undefined);
    if (info?.isDirectory()) {
      const files: string[] = [];
      await walk(Buffer.from(trimSep(normalize(input))), options, files);
      files.sort();
      if (files.length === 0) throw new DlError('INPUT_NOT_FOUND', `${input}: no ${options.extensions.join(' ')} files in this directory`);
      out.push(...files);
    } else if (info === undefined && isDynamicPattern(input)) {
      // An absolute pattern gives absolute paths, a relative one paths relative to the working directory.
      const matches = (await glob(input, { onlyFiles: true, dot: false, expandDirectories: false, absolute: isAbsolute(input) })).filter((p) =>
        options.extensions.includes(extname(p).toLowerCase()),
      );
      if (matches.length === 0) throw new DlError('INPUT_NOT_FOUND', `${input}: the pattern matches no ${options.extensions.join(' ')} files`);
      out.push(...matches.sort());
    } else {
      out.push(input);
    }
  }
  return out;
}

export interface ReadInputOptions {
  /** Largest input taken, bytes (default 256 MiB): reading stops at one byte more, INPUT_TOO_LARGE. */
  maxBytes?: number;
  /**
   * Deadline for the whole input: a URL's headers and body (default 30 s), a file (default 60 s), standard input
   * (default none: a person may be typing).
   */
  timeoutMs?: number;
  /** Take a FIFO (named pipe, or `<(command)` in a shell) as a stream instead of refusing it. */
  allowFifo?: boolean;
  /** Fetch http(s) URLs (default false: a library never reaches the network because a string looked like a URL). */
  allowUrls?: boolean;
  /** Read standard input for `-` (default false: a library never reads its host's stdin unless asked). */
  allowStdin?: boolean;
  /** Fetch URLs whose host resolves to a loopback, private or link-local address (default false). */
  allowPrivateHosts?: boolean;
}

/** Standard input's chunks, within the deadline when one is given. */
function stdinChunks(timeoutMs: number | undefined): AsyncIterable<Buffer> {
  const chunks = process.stdin as AsyncIterable<Buffer>;
  return timeoutMs === undefined ? chunks : withDeadline(chunks, timeoutMs, 'standard input', 'pipe the input in, or give a file');
}

/** The body of an http(s) URL in chunks: headers and body within `timeoutMs`, at most `maxBytes`. */
async function* urlChunks(url: string, maxBytes: number, timeoutMs: number): AsyncGenerator<Uint8Array> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchFollowing(url, signal);
    if (!response.ok) throw new DlError('INPUT_NOT_FOUND', `${url}: HTTP ${response.status} ${response.statusText}`);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new DlError('INPUT_TOO_LARGE', `${url}: ${declared} bytes is over the ${maxBytes}-byte limit`);
    }
    if (response.body !== null) yield* response.body as unknown as AsyncIterable<Uint8Array>;
  } catch (error) {
    if (error instanceof DlError) throw error;
    if (signal.aborted) throw new DlError('INPUT_UNREADABLE', `${url}: no complete answer within ${timeoutMs / 1000} s`, { cause: error });
    const cause = (error as { cause?: unknown }).cause;
    throw new DlError('INPUT_UNREADABLE', `${url}: ${errorMessage(cause ?? error)}`, { cause: error });
  }
}

/** A GET that follows redirects by hand, so each hop is checked (count, scheme, DL_ALLOW_HOSTS). */
async function fetchFollowing(url: string, signal: AbortSignal): Promise<Response> {
  const hosts = allowedHostsFromEnv();
  if (hosts !== undefined && !hostAllowed(new URL(url), hosts)) {
    throw new DlError('INVALID_ARGUMENT', `${url}: host ${new URL(url).host} is not an allowed host (DL_ALLOW_HOSTS)`);
  }
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { signal, redirect: 'manual' });
    if (response.status < 300 || response.status > 399 || response.status === 304) return response;
    await response.body?.cancel();
    current = redirectTarget(current, response.headers.get('location'), hop, hosts);
  }
}

/** Where an input's bytes come from, and its name for messages. */
function source(input: string, options: ReadInputOptions, whole: boolean): { chunks: AsyncIterable<Uint8Array>; name: string; maxBytes: number } {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (input === STDIN) return { chunks: stdinChunks(options.timeoutMs), name: 'standard input', maxBytes };
  if (isUrl(input)) return { chunks: urlChunks(input, maxBytes, options.timeoutMs ?? 30_000), name: input, maxBytes };
  const file = { maxBytes, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.allowFifo ? { allowFifo: true } : {}) };
  return { chunks: readInputFileStream(input, file, whole), name: input, maxBytes };
}

/**
 * One input as a stream of chunks, for readers that need not hold it whole (lines, CSV records): a file path (a
 * regular file; see `readInputFileStream`), an http(s) URL or `-` for stdin, each with a byte cap on what is
 * actually read and a deadline; every failure a typed error naming the input.
 */
export async function* readInputStream(input: string, options: ReadInputOptions = {}): AsyncGenerator<Uint8Array> {
  const { chunks, name, maxBytes } = source(input, options, false);
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(name, maxBytes);
    yield chunk;
  }
}

/** The bytes of one input, whole (see `readInputStream`). */
export async function readInput(input: string, options: ReadInputOptions = {}): Promise<Buffer> {
  const { chunks, name, maxBytes } = source(input, options, true);
  return readCapped(chunks, maxBytes, name);
}
