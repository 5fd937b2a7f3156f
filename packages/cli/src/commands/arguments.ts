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
