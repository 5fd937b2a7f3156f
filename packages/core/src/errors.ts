/**
 * Every failure a user can cause or fix surfaces as a `DlError` with a stable `code`: programs branch on the
 * code, people read the message, and `cause` keeps the underlying error for `DL_DEBUG=1`.
 */
export const DL_ERROR_CODES = [
  'INPUT_NOT_FOUND',
  'INPUT_UNREADABLE',
  'INPUT_TOO_LARGE',
  'INPUT_UNSUPPORTED',
  'MODEL_NOT_FOUND',
  'MODEL_OFFLINE',
  'MODEL_INVALID',
  'BACKEND_UNAVAILABLE',
  'DATASET_INVALID',
  'CHECKPOINT_INVALID',
  'INVALID_ARGUMENT',
  'ABORTED',
] as const;

export type DlErrorCode = (typeof DL_ERROR_CODES)[number];

export class DlError extends Error {
  override readonly name = 'DlError';
  readonly code: DlErrorCode;

  constructor(code: DlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Whether a code read back from elsewhere (another thread, a job queue) is one of ours. */
export function isDlErrorCode(code: string): code is DlErrorCode {
  return (DL_ERROR_CODES as readonly string[]).includes(code);
}

export function isDlError(value: unknown, code?: DlErrorCode): value is DlError {
  return value instanceof DlError && (code === undefined || value.code === code);
}

/** The message of any thrown value, for wrapping foreign errors into a `DlError`. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
