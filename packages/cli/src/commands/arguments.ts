import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { STDIN } from '@dlkit/core';
import { UsageError } from '../cli-error.js';

/** A flag that must be a positive integer; absent stays undefined. */
export function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${value}'`);
  return n;
}

/** `--max-pixels N`: the decompression-bomb limit of the image decoders, as their option. */
export function maxPixelsOption(value: string | undefined): { maxPixels?: number } {
  const maxPixels = positiveInt('--max-pixels', value);
  return maxPixels === undefined ? {} : { maxPixels };
}

/** A flag that must be an integer >= 0. */
export function nonNegativeInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be an integer >= 0, got '${value}'`);
  return n;
}

/** Standard input can be read once: `-` at most once among a command's inputs. */
export function assertStdinOnce(inputs: ReadonlyArray<string | undefined>): void {
  if (inputs.filter((i) => i === STDIN).length > 1) throw new UsageError('standard input (-) can be given once');
}

/**
 * `--skip-existing`: whether input `i` is done already. Outputs are written whole or not at all (temp file +
 * rename), so one that exists is complete and a rerun after an interruption goes on where it stopped.
 */
export function alreadyDone(targets: readonly string[] | undefined, i: number, skipExisting: boolean | undefined): string | undefined {
  return skipExisting && targets !== undefined && existsSync(targets[i]!) ? targets[i] : undefined;
}

/**
 * Where the output file of each input goes: `--out file.ext` for one input (when it looks like a file of that
 * kind), else `--out dir/` with one `<input name>.<extension>` per input (numbered when names repeat).
 */
export function outputPaths(inputs: readonly string[], out: string, options: { extension: string; single: RegExp; stem: string }): string[] {
  if (inputs.length === 1 && options.single.test(out)) return [out];
  const used = new Map<string, number>();
  return inputs.map((input) => {
    const stem = input === STDIN || /^https?:/i.test(input) ? options.stem : basename(input, extname(input));
    const n = (used.get(stem) ?? 0) + 1;
    used.set(stem, n);
    return join(out, `${stem}${n > 1 ? `-${n}` : ''}${options.extension}`);
  });
}
