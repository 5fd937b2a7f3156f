import { errorMessage, isDlError, type DlError, type DlErrorCode, type DlHint } from '@dlkit/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { SERVER_LIMITS } from './limits.js';

/** DlError's codes, plus what only a server can say: the request took too long, no such route, not now. */
export type ApiErrorCode = DlErrorCode | 'TIMEOUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'INTERNAL';

/** An error the HTTP layer raises itself, with its status (and, for 429, when to come back). */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The body of every failed request: the `{code, message}` the CLI prints with `--json`, and the field at fault. */
export interface ApiErrorBody {
  input?: string;
  error: { code: ApiErrorCode; message: string; parameter?: string };
}

/** Every DlError code's status, in one place: a new code does not compile until it has one. */
const STATUS: Record<DlErrorCode, ContentfulStatusCode> = {
  INVALID_ARGUMENT: 400,
  INPUT_NOT_FOUND: 400,
  INPUT_UNREADABLE: 400,
  INPUT_TOO_LARGE: 413,
  INPUT_UNSUPPORTED: 415,
  MODEL_NOT_FOUND: 404,
  // The server's machine lacks something (a model it cannot fetch, a backend): nothing the request can change.
  MODEL_OFFLINE: 503,
  BACKEND_UNAVAILABLE: 503,
  DEPENDENCY_MISSING: 503,
  // Shutting down: the models are being freed.
  DISPOSED: 503,
  BUSY: 503,
  ABORTED: 503,
  DATASET_INVALID: 422,
  // A data set the server's machine has not got (not cached, no mirror) and cannot download.
  DATASET_OFFLINE: 503,
  MODEL_INVALID: 500,
  MODEL_RUNTIME: 500,
  CHECKPOINT_INVALID: 500,
  OUTPUT_UNWRITABLE: 500,
  // The model folder is taken: the request would replace a model it did not say to replace.
  OUTPUT_EXISTS: 409,
};

/** A library's BUSY says no time to come back at; a few seconds is a fair guess. */
const BUSY_RETRY_SECONDS = 5;

/**
 * What the caller can do, in this server's words: an HTTP client cannot run a command or pass a flag, and the
 * options this server fixes are its limits, not the caller's to raise.
 */
export function hintText(hint: DlHint): string {
  switch (hint.kind) {
    case 'pull-model': {
      const others = hint.alternatives?.length ? ` Or try ${hint.alternatives.map((m) => `model ${m}`).join(' or ')}, which it has.` : '';
      return `This server has not downloaded ${hint.model}; ask its operator to fetch it.${others}`;
    }
    case 'pull-dataset':
      return `This server has not got the ${hint.dataset} data set; ask its operator to fetch it (dl data pull ${hint.dataset}).`;
    case 'other-model':
      return `Try ${hint.models.map((m) => `model ${m}`).join(' or ')}${hint.why ? ` (${hint.why})` : ''}.`;
    case 'raise-option': {
      const limit = SERVER_LIMITS[hint.option];
      if (limit !== undefined) return `This server takes at most ${limit.words}.`;
      return `A higher ${hint.option}${hint.value === undefined ? '' : ` (${hint.value})`} would let it through.`;
    }
    case 'use-option':
      return `Try ${hint.option}: ${JSON.stringify(hint.value)}.`;
    case 'did-you-mean':
      return `Did you mean '${hint.value}'?`;
    case 'install':
      return `This server needs ${hint.what} for that; ask its operator to install it.`;
  }
}

/**
 * The message of a DlError as this server shows it. A model the server cannot fetch gets the server's own words:
 * the library's are for whoever runs it (its cache folder, its settings) and stay in the log.
 */
function dlMessage(error: DlError): string {
  const hint = error.hint === undefined ? undefined : hintText(error.hint);
  if (error.code === 'MODEL_OFFLINE') {
    if (error.hint?.kind === 'pull-model') return hint!;
    return `This server cannot fetch that model now; ask its operator to fetch it.${hint === undefined ? '' : ` ${hint}`}`;
  }
  // A model's own failure can run to several lines (a runtime's dump): the first says what happened.
  const message = error.code === 'MODEL_RUNTIME' ? error.message.split('\n')[0]! : error.message;
  return hint === undefined ? message : `${message} ${hint}`;
}

/** How an error is answered: its status, its body, and when to come back (for Retry-After). */
export interface DescribedError {
  status: ContentfulStatusCode;
  error: ApiErrorBody['error'];
  retryAfterSeconds?: number;
  /** What the server's log gets: anything that is the server's fault, with its cause. */
  log?: unknown;
}

/** The status and body of anything thrown while serving; an unexpected error's details go to the log only. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof ApiError) {
    return { status: error.status, error: { code: error.code, message: error.message }, ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }) };
  }
  if (isDlError(error)) {
    const status = STATUS[error.code] ?? 500;
    return {
      status,
      error: { code: error.code, message: dlMessage(error), ...(error.parameter === undefined ? {} : { parameter: error.parameter }) },
      ...(error.code === 'BUSY' ? { retryAfterSeconds: BUSY_RETRY_SECONDS } : {}),
      ...(status >= 500 ? { log: error.cause === undefined ? error : `${error.message}; caused by ${error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : errorMessage(error.cause)}` } : {}),
    };
  }
  return { status: 500, error: { code: 'INTERNAL', message: 'The server failed on this request; its log says why.' }, log: error };
}

/** Turns anything thrown while serving into a JSON error response. */
export function errorResponse(c: Context, error: unknown, input?: string): Response {
  const described = describeError(error);
  if (described.log !== undefined) {
    const what = described.log;
    process.stderr.write(`dlkit-demo: ${c.req.method} ${c.req.path}: ${what instanceof Error ? (what.stack ?? what.message) : errorMessage(what)}\n`);
  }
  if (described.retryAfterSeconds !== undefined) c.header('Retry-After', String(described.retryAfterSeconds));
  const body: ApiErrorBody = { ...(input === undefined ? {} : { input }), error: described.error };
  return c.json(body, described.status);
}
