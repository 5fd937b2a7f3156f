import { readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { DlError, errorMessage } from '../errors.js';
import { DEFAULT_MAX_INPUT_BYTES, readInputFile } from './read-input.js';

/** `-` reads standard input. */
export const STDIN = '-';

export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

export interface ExpandOptions {
  /** Extensions (lower case, with the dot) taken from directories and globs; explicit files are always kept. */
  extensions: readonly string[];
}

async function walk(dir: string, extensions: readonly string[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && extensions.includes(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    .sort();
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
      const files = await walk(input, options.extensions);
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
  maxBytes?: number;
  /** For URLs: the whole download, headers and body (default 30 s). */
  timeoutMs?: number;
}

async function readCapped(chunks: AsyncIterable<Uint8Array>, maxBytes: number, name: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes) throw new DlError('INPUT_TOO_LARGE', `${name}: more than the ${maxBytes}-byte limit`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

async function readUrl(url: string, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (!response.ok) throw new DlError('INPUT_NOT_FOUND', `${url}: HTTP ${response.status} ${response.statusText}`);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new DlError('INPUT_TOO_LARGE', `${url}: ${declared} bytes is over the ${maxBytes}-byte limit`);
    }
    if (response.body === null) return Buffer.alloc(0);
    return await readCapped(response.body as unknown as AsyncIterable<Uint8Array>, maxBytes, url);
  } catch (error) {
    if (error instanceof DlError) throw error;
    if (signal.aborted) throw new DlError('INPUT_UNREADABLE', `${url}: no complete answer within ${timeoutMs / 1000} s`, { cause: error });
    const cause = (error as { cause?: unknown }).cause;
    throw new DlError('INPUT_UNREADABLE', `${url}: ${errorMessage(cause ?? error)}`, { cause: error });
  }
}

/** The bytes of one input: a file path, an http(s) URL (with a timeout and a size cap) or `-` for stdin. */
export async function readInput(input: string, options: ReadInputOptions = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (input === STDIN) return readCapped(process.stdin, maxBytes, 'standard input');
  if (isUrl(input)) return readUrl(input, maxBytes, options.timeoutMs ?? 30_000);
  return readInputFile(input, maxBytes);
}
