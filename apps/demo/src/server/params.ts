import { z } from 'zod';
import { ApiError } from './api-error.js';

/**
 * A whole number in [min, max]: a JSON integer, or a string of decimal digits (what a query or a form field
 * carries). `Number()` took "0x10" as 16, "1e1" as 10, " 2" and [2] as 2: none of those is a count anyone typed.
 */
export const wholeNumber = (min: number, max: number) =>
  z
    .union([z.int(), z.string().regex(/^[0-9]{1,16}$/).transform(Number)], { error: `must be a whole number from ${min} to ${max}` })
    .pipe(z.number().min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`));

/** A number in [0, 1] written in decimal ("0.3", ".5", "1"). */
const fraction = z
  .string()
  .regex(/^(\d+(\.\d*)?|\.\d+)$/)
  .transform(Number)
  .pipe(z.number().min(0).max(1));

/** Parses with `schema`; a failure is a 400 that names the parameter and repeats what was sent. */
function parseParam<T>(schema: z.ZodType<T>, value: unknown, name: string, expected: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, 'INVALID_ARGUMENT', `${name} ${expected}, got ${JSON.stringify(value)}.`);
  return parsed.data;
}

/** A whole-number query or body parameter in [min, max]; the default when absent (an empty query value is absent). */
export function intParam(value: unknown, name: string, range: { min: number; max: number; fallback: number }): number {
  if (value === undefined || value === '') return range.fallback;
  return parseParam(wholeNumber(range.min, range.max), value, name, `must be a whole number from ${range.min} to ${range.max}`);
}

/** A number in [0, 1]; undefined when absent. */
export function fractionParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  return parseParam(fraction, value, name, 'must be a number from 0 to 1');
}

/** One of a fixed set of words. */
export function choiceParam<T extends string>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (!choices.includes(value as T)) throw new ApiError(400, 'INVALID_ARGUMENT', `${name} is one of ${choices.join(', ')}, not '${String(value)}'.`);
  return value as T;
}

/** The first problem zod found in a request body, as a 400 naming the field. */
export function bodyError(error: z.ZodError): ApiError {
  const issue = error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : 'The body';
  return new ApiError(400, 'INVALID_ARGUMENT', `${field}: ${issue.message}.`);
}
