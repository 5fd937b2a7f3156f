import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, normalize, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { DlError, errorMessage, isDlError } from '../errors.js';
import { DEFAULT_MAX_INPUT_BYTES, readCapped, readInputFileStream, tooLarge, withDeadline, type ReadFileOptions } from './read-input.js';
import { urlChunks } from './url-input.js';

/** `-` reads standard input, for a caller that sets `allowStdin` (else it is a file named `-`). */
export const STDIN = '-';

/** Default deadline for a URL input: its headers and body. */
const DEFAULT_URL_TIMEOUT_MS = 30_000;

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
  /** Keep `-` as standard input (default false: `-` is a path like any other, a file or folder named `-`). */
  allowStdin?: boolean;
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
 * extensions (recursively, sorted), a glob its matches; URLs (never globbed: `?` is a query there), `-` with
 * `allowStdin` and plain paths stay as they are (a missing path then fails on its own, as INPUT_NOT_FOUND,
 * without stopping the others; a URL is refused by the reader unless it allows URLs). A directory or glob that
 * matches nothing is an error: silently doing nothing would hide a typo.
 */
export async function expandInputs(inputs: readonly string[], options: ExpandOptions): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if ((input === STDIN && options.allowStdin === true) || isUrl(input)) {
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
  /**
   * Fetch http(s) URLs (default false: a library never reaches the network because a string looked like a URL;
   * one is INPUT_UNSUPPORTED before any DNS or connection). Redirects are followed by hand, at most
   * MAX_REDIRECTS, http(s) only, each hop checked like the first.
   */
  allowUrls?: boolean;
  /** Read standard input for `-` (default false: a library never reads its host's stdin; `-` is then a file name). */
  allowStdin?: boolean;
  /**
   * With `allowUrls`, also fetch from hosts that resolve to loopback, private (RFC 1918, fc00::/7), link-local
   * (169.254/16, the cloud metadata service, fe80::/10) or unspecified addresses, in any IPv6 form (default
   * false: a URL someone else chose must not reach this machine's network). Hosts on DL_ALLOW_HOSTS are allowed
   * either way: they were listed on purpose.
   */
  allowPrivateHosts?: boolean;
}

/** Standard input's chunks, within the deadline when one is given. */
function stdinChunks(timeoutMs: number | undefined): AsyncIterable<Buffer> {
  const chunks = process.stdin as AsyncIterable<Buffer>;
  return timeoutMs === undefined ? chunks : withDeadline(chunks, timeoutMs, 'standard input', 'pipe the input in, or give a file');
}

/** A source that fails with `error` when first read (readers report failures from the read, not the call). */
async function* failing(error: DlError): AsyncGenerator<never> {
  throw error;
}

/**
 * `-` without `allowStdin`: a file named `-`, as any other path. When there is none, INPUT_NOT_FOUND says what
 * would have read standard input instead.
 */
async function* dashFile(file: ReadFileOptions, whole: boolean): AsyncGenerator<Buffer> {
  try {
    yield* readInputFileStream(STDIN, file, whole);
  } catch (error) {
    if (!isDlError(error, 'INPUT_NOT_FOUND')) throw error;
    throw new DlError('INPUT_NOT_FOUND', `${STDIN}: no such file (standard input is read only when the caller allows it)`, {
      cause: error,
      hint: { kind: 'use-option', option: 'allowStdin', value: true },
    });
  }
}

/** Where an input's bytes come from, and its name for messages. */
function source(input: string, options: ReadInputOptions, whole: boolean): { chunks: AsyncIterable<Uint8Array>; name: string; maxBytes: number } {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const file: ReadFileOptions = { maxBytes, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), ...(options.allowFifo ? { allowFifo: true } : {}) };
  if (input === STDIN) {
    if (options.allowStdin === true) return { chunks: stdinChunks(options.timeoutMs), name: 'standard input', maxBytes };
    return { chunks: dashFile(file, whole), name: input, maxBytes };
  }
  if (isUrl(input)) {
    if (options.allowUrls !== true) {
      const refused = new DlError('INPUT_UNSUPPORTED', `${input}: URL inputs are not fetched unless the caller allows them`, {
        hint: { kind: 'use-option', option: 'allowUrls', value: true },
      });
      return { chunks: failing(refused), name: input, maxBytes };
    }
    const url = { maxBytes, timeoutMs: options.timeoutMs ?? DEFAULT_URL_TIMEOUT_MS, allowPrivateHosts: options.allowPrivateHosts === true };
    return { chunks: urlChunks(input, url), name: input, maxBytes };
  }
  return { chunks: readInputFileStream(input, file, whole), name: input, maxBytes };
}

/**
 * One input as a stream of chunks, for readers that need not hold it whole (lines, CSV records): a file path (a
 * regular file; see `readInputFileStream`), an http(s) URL (with `allowUrls`) or `-` for stdin (with
 * `allowStdin`), each with a byte cap on what is actually read and a deadline; every failure a typed error
 * naming the input.
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
