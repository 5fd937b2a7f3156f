import { DlError, isDlError } from '@dlkit/core';

/**
 * A failure while reading or pre-processing one input as a DlError: ours pass through, a decoder's own error
 * becomes INPUT_UNREADABLE. (Failures of the model itself are core's `modelRuntimeError`.)
 */
export function inputError(error: unknown): DlError {
  return isDlError(error) ? error : new DlError('INPUT_UNREADABLE', String(error), { cause: error });
}
