// Light: core's readers and writer are imported when used, so the command table (which needs outputTargets)
// loads no runtime.
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { UsageError } from '../cli-error.js';
import { FORMAT_EXTENSION, formatOfPath, type Format } from './formats.js';

/** One input and where its output goes under an --out folder (mirrored, without the extension). */
export interface Source {
  readonly input: string;
  readonly place: string;
}

const isDirectory = (path: string) => {
  try {
    // bigint: Node 20's plain statSync of a FIFO leaves the shared stat buffer in a state that makes the ESM
    // resolver's next realpath fail, so every model import after `dl vision classify fifo.jpg` died as INTERNAL.
    return statSync(path, { bigint: true }).isDirectory();
  } catch {
    return false;
  }
};

/** A name made safe to be one path segment (`reviews.txt:3` -> `reviews.txt-3`). */
const segment = (name: string) => name.replace(/[^\w.-]+/g, '-').replace(/^\.+/, '_') || 'input';

/** A URL's last path segment (`.../cat.jpg` -> `cat.jpg`), standard input `stdin`. */
function streamPlace(input: string): string {
  if (input === '-') return 'stdin';
  const last = new URL(input).pathname.split('/').filter(Boolean).at(-1);
  return segment(last ?? 'url');
}

/** A place that stays inside the --out folder: a relative path with no `..`, else just the file name. */
function inside(place: string, file: string): string {
  const clean = normalize(place);
  return clean === '' || isAbsolute(clean) || clean.split(sep).includes('..') ? segment(basename(file)) : clean;
}

/**
 * Each command-line input expanded on its own, so a file's place under --out mirrors where it was under the folder
 * it was found in (`photos/2024/a.jpg` from `photos` -> `<out>/2024/a.jpg`); a file or glob match keeps its name.
 */
export async function expandSources(inputs: readonly string[], extensions: readonly string[], onSkip: (path: string, reason: string) => void): Promise<Source[]> {
  const { expandInputs, isUrl } = await import('@dlkit/core');
  const sources: Source[] = [];
  for (const given of inputs) {
    const folder = isDirectory(given) ? given : undefined;
    for (const input of await expandInputs([given], { extensions, onSkip, allowStdin: true })) {
      const place = input === '-' || isUrl(input) ? streamPlace(input) : folder !== undefined ? inside(relative(folder, input), input) : segment(basename(input));
      sources.push({ input, place });
    }
  }
  return sources;
}

/** Sources for texts (a line, a row, a --text): their names made into file names. */
export const textSources = (names: readonly string[]): Source[] => names.map((input) => ({ input, place: segment(input) }));

/**
 * Where each input's output goes: `--out` itself for one input (unless it is a folder: it exists as one, ends in
 * `/` or has no extension), else one file per input under the folder `--out`. Several inputs and an `--out` that is
 * or looks like a file (`ann.jpg`) is a usage error, not a folder by that name.
 */
export function outputTargets(sources: readonly Source[], out: string, format: Format): string[] {
  const folderNamed = isDirectory(out) || out.endsWith('/') || out.endsWith(sep) || extname(out) === '';
  if (sources.length === 1 && !folderNamed) return [out];
  if (sources.length > 1 && !isDirectory(out) && (existsSync(out) || formatOfPath(out) !== undefined)) {
    throw new UsageError(`--out ${out} is a file, but there are ${sources.length} inputs: give a folder for their outputs`);
  }
  const used = new Map<string, number>();
  return sources.map(({ place }) => {
    const stem = place.slice(0, place.length - extname(place).length) || place;
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    return join(out, `${stem}${n > 1 ? `-${n}` : ''}${FORMAT_EXTENSION[format]}`);
  });
}

/** Writes one output whole (temp file + rename, its folder made); any failure is OUTPUT_UNWRITABLE naming the file. */
export async function writeOutput(target: string, data: string | Uint8Array): Promise<void> {
  const { DlError, errorMessage, writeFileAtomic } = await import('@dlkit/core');
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, data);
  } catch (error) {
    throw new DlError('OUTPUT_UNWRITABLE', `${target}: ${errorMessage(error)}`, { cause: error });
  }
}
