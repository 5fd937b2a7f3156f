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
  /** The model was loaded but failed while running on an input (a hub model's own error, an ONNX shape clash). */
  'MODEL_RUNTIME',
  'BACKEND_UNAVAILABLE',
  /**
   * An optional package that this use needs is not installed (transformers.js for hub models, onnxruntime-node for
   * ONNX models, tfjs-converter for graph models): the message names the npm install command, `hint` the package.
   */
  'DEPENDENCY_MISSING',
  'DATASET_INVALID',
  /** A registered data set that is neither cached nor mirrored, and cannot be downloaded (offline, unreachable). */
  'DATASET_OFFLINE',
  'CHECKPOINT_INVALID',
  'INVALID_ARGUMENT',
  /** A pipeline (or model) used after `dispose()`. */
  'DISPOSED',
  /** A result could not be written where it was asked for (a folder in the way, no permission, a full disk). */
  'OUTPUT_UNWRITABLE',
  /** The output folder already holds a model (its dlkit.json): it is replaced only when asked (`overwrite: true`). */
  'OUTPUT_EXISTS',
  /**
   * Too much work queued already, or the output is being written by another process (a training run into the same
   * model folder): try again later.
   */
  'BUSY',
  'ABORTED',
] as const;

export type DlErrorCode = (typeof DL_ERROR_CODES)[number];

/**
 * What the user can do about an error, as data: the CLI words it with its flags and commands, the demo in its own
 * terms, a library caller by its option names. Library messages never name a CLI flag themselves.
 */
export type DlHint =
  /**
   * A hub model that must be fetched first (`dl models pull <model> --task <task>`); `alternatives` are models
   * that do the task with what is here (offline: the embedded ones).
   */
  | { kind: 'pull-model'; model: string; task: string; alternatives?: readonly string[] }
  /** A registered data set to fetch first (`dl data pull <dataset>`), or to serve from a mirror (`DL_DATA_MIRROR`). */
  | { kind: 'pull-dataset'; dataset: string }
  /** Other models that do the task without what is missing (offline: an embedded one). */
  | { kind: 'other-model'; models: readonly string[]; why: string }
  /** An option (by its library name) whose value would let this input through, e.g. a higher `maxSeconds`. */
  | { kind: 'raise-option'; option: string; value?: number }
  /** Another option value that does the job another way (`method: 'extractive'` offline). */
  | { kind: 'use-option'; option: string; value: string | number | boolean }
  /** A name that was probably meant (a misspelt task, label or class). */
  | { kind: 'did-you-mean'; value: string }
  /** A program or package to install (ffmpeg, @tensorflow/tfjs-node). */
  | { kind: 'install'; what: string };

export interface DlErrorOptions {
  cause?: unknown;
  /** What the user can do about it, worded by whoever shows the error. */
  hint?: DlHint;
  /** The argument or option at fault, by its library name (`topK`, `task`, `model`), for INVALID_ARGUMENT. */
  parameter?: string;
}

/**
 * Marks our errors across copies of @dlkit/core: a program that ends up with two versions installed (one per
 * package that depends on it) still recognises both, where `instanceof` would not.
 */
const DL_ERROR_MARKER = Symbol.for('dlkit.error');

export class DlError extends Error {
  override readonly name = 'DlError';
  readonly code: DlErrorCode;
  readonly hint: DlHint | undefined;
  readonly parameter: string | undefined;
  readonly [DL_ERROR_MARKER] = true;

  constructor(code: DlErrorCode, message: string, options: DlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.parameter = options.parameter;
  }
}

/** Whether a code read back from elsewhere (another thread, a job queue) is one of ours. */
export function isDlErrorCode(code: string): code is DlErrorCode {
  return (DL_ERROR_CODES as readonly string[]).includes(code);
}

/** A `DlError` from any copy of @dlkit/core (by its `Symbol.for` marker), optionally with the given code. */
export function isDlError(value: unknown, code?: DlErrorCode): value is DlError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [DL_ERROR_MARKER]?: unknown })[DL_ERROR_MARKER] === true &&
    (code === undefined || (value as DlError).code === code)
  );
}

/** The message of any thrown value, for wrapping foreign errors into a `DlError`. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A failure while a loaded model runs on an input, as one `DlError`: ours pass through, anything else (a hub
 * pipeline's own exception, an ONNX or tfjs error) is `MODEL_RUNTIME` naming the model.
 */
export function modelRuntimeError(error: unknown, model: string): DlError {
  if (isDlError(error)) return error;
  return new DlError('MODEL_RUNTIME', `${model} failed on this input: ${errorMessage(error)}`, { cause: error });
}
