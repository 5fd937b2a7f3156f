import { ApiError } from './api-error.js';

/** A whole-number query or body parameter in [min, max]; the default when absent. */
export function intParam(value: unknown, name: string, range: { min: number; max: number; fallback: number }): number {
  if (value === undefined || value === null || value === '') return range.fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw new ApiError(400, 'INVALID_ARGUMENT', `${name} must be a whole number from ${range.min} to ${range.max}, got '${String(value)}'.`);
  }
  return n;
}

/** A number in [0, 1]; undefined when absent. */
export function fractionParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new ApiError(400, 'INVALID_ARGUMENT', `${name} must be a number from 0 to 1, got '${value}'.`);
  return n;
}

/** One of a fixed set of words. */
export function choiceParam<T extends string>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (!choices.includes(value as T)) throw new ApiError(400, 'INVALID_ARGUMENT', `${name} is one of ${choices.join(', ')}, not '${String(value)}'.`);
  return value as T;
}
