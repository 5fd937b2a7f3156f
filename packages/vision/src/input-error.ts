import { DlError } from '@dlkit/core';

/** The outcome of one input of a batch call: a bad input fails alone. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: DlError };

/** Any failure of one input as a DlError (decoders' own errors become INPUT_UNREADABLE). */
export function asDlError(error: unknown): DlError {
  return error instanceof DlError ? error : new DlError('INPUT_UNREADABLE', String(error), { cause: error });
}

/** The single-input form of an `...Each` call: its one result, or its error thrown. */
export function firstOrThrow<T>(results: Array<Settled<T>>): T {
  const [result] = results;
  if (result === undefined) throw new DlError('INVALID_ARGUMENT', 'No result');
  if (!result.ok) throw result.error;
  return result.value;
}
