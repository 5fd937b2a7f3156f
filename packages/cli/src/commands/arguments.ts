import { UsageError } from '../cli-error.js';

/**
 * Integers on the command line are decimal digits only: `Number()` would take `0x10`, `1e3`, ` 5`, `+5` and `5.0`,
 * so `--epochs 0x10` trained 16 epochs. Up to 15 digits keeps every accepted value a safe integer.
 */
const DECIMAL_INT = /^[0-9]{1,15}$/;

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
