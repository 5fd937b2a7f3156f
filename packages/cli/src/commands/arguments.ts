import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { STDIN } from '@dlkit/core';
import { UsageError } from '../cli-error.js';

/**
 * Integers on the command line are decimal digits only: `Number()` would take `0x10`, `1e3`, ` 5`, `+5` and `5.0`,
 * so `--epochs 0x10` trained 16 epochs. Up to 15 digits keeps every accepted value a safe integer.
 */
const DECIMAL_INT = /^[0-9]{1,15}$/;

/** Plain decimal notation for fractional flags: an optional `-`, digits, an optional `.digits`; no exponent, no hex. */
const DECIMAL_NUMBER = /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/;

/** Bounds of an integer flag; `max` names the machine or data limit it stands for in the message. */
export interface IntBounds {
  readonly max?: number;
  readonly maxReason?: string;
}

function strictInt(flag: string, value: string, min: number, what: string, bounds: IntBounds): number {
  const n = DECIMAL_INT.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be ${what} in decimal digits, got '${value}'`);
  if (bounds.max !== undefined && n > bounds.max) {
    throw new UsageError(`${flag} must be at most ${bounds.max}${bounds.maxReason ? ` (${bounds.maxReason})` : ''}, got ${n}`);
  }
  return n;
}

/** A flag that must be a positive integer (decimal digits only); absent stays undefined. */
export function positiveInt(flag: string, value: string | undefined, bounds: IntBounds = {}): number | undefined {
  return value === undefined ? undefined : strictInt(flag, value, 1, 'a positive integer', bounds);
}

/** A flag that must be an integer >= 0 (decimal digits only); absent stays undefined. */
export function nonNegativeInt(flag: string, value: string | undefined, bounds: IntBounds = {}): number | undefined {
  return value === undefined ? undefined : strictInt(flag, value, 0, 'an integer >= 0', bounds);
}

/** Inclusive bounds of a fractional flag. */
export interface NumberBounds {
  readonly min: number;
  readonly max: number;
}

/** A fractional flag (`--threshold 0.5`, `--ratio 0.2`) in plain decimal notation within [min, max]; absent stays undefined. */
export function decimalNumber(flag: string, value: string | undefined, bounds: NumberBounds): number | undefined {
  if (value === undefined) return undefined;
  const n = DECIMAL_NUMBER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a decimal number like 0.5, got '${value}'`);
  if (n < bounds.min || n > bounds.max) {
    throw new UsageError(`${flag} must be between ${bounds.min} and ${bounds.max}, got ${value}`);
  }
  return n;
}

/** `--max-pixels N`: the decompression-bomb limit of the image decoders, as their option. */
export function maxPixelsOption(value: string | undefined): { maxPixels?: number } {
  const maxPixels = positiveInt('--max-pixels', value);
  return maxPixels === undefined ? {} : { maxPixels };
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
