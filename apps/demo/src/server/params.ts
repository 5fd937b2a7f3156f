import { DlError } from '@dlkit/core';
import { z } from 'zod';

/**
 * A whole number in [min, max]: a JSON integer, or a string of decimal digits (what a query or a form field
 * carries). `Number()` took "0x10" as 16, "1e1" as 10, " 2" and [2] as 2: none of those is a count anyone typed.
 */
export const wholeNumber = (min: number, max: number) =>
  z
    .union([z.int(), z.string().regex(/^[0-9]{1,16}$/).transform(Number)], { error: `must be a whole number from ${min} to ${max}` })
    .pipe(z.number().min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`));

/** A decimal number as a query carries it (`2`, `1.5`; not `0x10`, `1e1` or ` 2`), then checked by `schema`. */
export const decimalNumber = (schema: z.ZodType<number, number>) =>
  z
    .string()
    .regex(/^[0-9]{1,15}(\.[0-9]{1,15})?$/, 'must be a decimal number')
    .transform(Number)
    .pipe(schema);

/** One of a fixed set of words. */
export function choiceParam<T extends string>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  if (!choices.includes(value as T)) throw new DlError('INVALID_ARGUMENT', `${name} is one of ${choices.join(', ')}, not '${String(value)}'.`, { parameter: name });
  return value as T;
}

/** The first problem zod found in a request body, as INVALID_ARGUMENT (400) naming the field. */
export function bodyError(error: z.ZodError): DlError {
  const issue = error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : undefined;
  return new DlError('INVALID_ARGUMENT', `${field ?? 'The body'}: ${issue.message}.`, field === undefined ? {} : { parameter: field });
}
