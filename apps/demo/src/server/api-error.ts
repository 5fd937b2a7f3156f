import { DlError, errorMessage, type DlErrorCode } from '@dlkit/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** DlError's codes, plus what only a server can say: it is busy, the request took too long, no such route. */
export type ApiErrorCode = DlErrorCode | 'QUEUE_FULL' | 'TIMEOUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'INTERNAL';

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

/** The body of every failed request: the same `{code, message}` the CLI prints with `--json`. */
export interface ApiErrorBody {
  input?: string;
  error: { code: ApiErrorCode; message: string };
}

function statusOf(code: DlErrorCode): ContentfulStatusCode {
  switch (code) {
    case 'INPUT_TOO_LARGE':
      return 413;
    case 'INPUT_NOT_FOUND':
    case 'INPUT_UNREADABLE':
    case 'INPUT_UNSUPPORTED':
    case 'DATASET_INVALID':
      return 422;
    case 'INVALID_ARGUMENT':
      return 400;
    case 'MODEL_NOT_FOUND':
      return 404;
    case 'MODEL_OFFLINE':
    case 'BACKEND_UNAVAILABLE':
    case 'ABORTED':
      return 503;
    default:
      return 500;
  }
}

/** Turns anything thrown while serving into a JSON error response; unexpected errors are logged, not shown. */
export function errorResponse(c: Context, error: unknown, input?: string): Response {
  let status: ContentfulStatusCode;
  let body: ApiErrorBody;
  if (error instanceof ApiError) {
    status = error.status;
    body = { error: { code: error.code, message: error.message } };
    if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
  } else if (error instanceof DlError) {
    status = statusOf(error.code);
    body = { error: { code: error.code, message: error.message } };
  } else {
    process.stderr.write(`dlkit-demo: ${c.req.method} ${c.req.path}: ${error instanceof Error ? (error.stack ?? error.message) : errorMessage(error)}\n`);
    status = 500;
    body = { error: { code: 'INTERNAL', message: 'The server failed on this request; its log says why.' } };
  }
  if (input !== undefined) body.input = input;
  return c.json(body, status);
}
