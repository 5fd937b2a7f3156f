import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { lstat, open, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { DlError, errorMessage, isDlError, type DlErrorCode, type DlHint } from '../errors.js';
import { MAX_REDIRECTS } from './url-hosts.js';

/**
 * Who a download talks to and how its failures are told: the hub's are MODEL_* errors, a data set's DATASET_*,
 * each worded for its caller. Shared by the hub pull and the data-set registry: one resumable, bounded fetch.
 */
export interface DownloadContext {
  /** The server, for messages: `the hub`, `the host of fashion-mnist`. */
  server: string;
  /** What it fetches, for messages: `org/name`, `fashion-mnist`. */
  subject: string;
  /** Unreachable, an error status, interrupted too often. */
  offline: DlErrorCode;
  /** 401/404: nothing there. */
  notFound: DlErrorCode;
  /** More bytes than announced, a failed check. */
  invalid: DlErrorCode;
  /** Appended to a redirect refusal: where the address came from (`check DL_HUB_ENDPOINT`). */
  advice?: string;
  hint?: DlHint;
  /** Cancels the request (ABORTED). */
  signal?: AbortSignal;
  /** Deadline of one request, body included (default 60 s). */
  timeoutMs?: number;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function offline(context: DownloadContext, message: string, cause?: unknown): DlError {
  return new DlError(context.offline, message, { ...(cause === undefined ? {} : { cause }), ...(context.hint ? { hint: context.hint } : {}) });
}

function aborted(context: DownloadContext): DlError | undefined {
  return context.signal?.aborted ? new DlError('ABORTED', `The download of ${context.subject} was cancelled`, { cause: context.signal.reason }) : undefined;
}

/**
 * Fetches with redirects followed here, at most MAX_REDIRECTS and only to http(s), keeping the Range header
 * across them: a server that redirects in a loop is refused instead of being followed twenty times per try.
 */
export async function fetchFollowing(url: string, context: DownloadContext, init: RequestInit = {}): Promise<Response> {
  let current = url;
  const deadline = AbortSignal.timeout(context.timeoutMs ?? 60_000);
  const signal = context.signal ? AbortSignal.any([deadline, context.signal]) : deadline;
  for (let redirects = 0; ; redirects++) {
    let response: Response;
    try {
      response = await fetch(current, { ...init, redirect: 'manual', signal });
    } catch (error) {
      throw aborted(context) ?? offline(context, `Cannot reach ${context.server} for ${context.subject} (${current}): ${errorMessage(error)}`, error);
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return checkStatus(response, context, current);
    await response.body?.cancel();
    const next = new URL(location, current);
    if (redirects >= MAX_REDIRECTS || !['http:', 'https:'].includes(next.protocol)) {
      throw offline(context, `${capital(context.server)} sent more than ${MAX_REDIRECTS} redirects, or one to ${next.protocol}, for ${url}${context.advice ? `: ${context.advice}` : ''}`);
    }
    current = next.href;
  }
}

function checkStatus(response: Response, context: DownloadContext, url: string): Response {
  if (response.status === 401 || response.status === 404) {
    throw new DlError(context.notFound, `${context.subject} was not found (${response.status} from ${url})`);
  }
  if (!response.ok && response.status !== 206) throw offline(context, `${capital(context.server)} answered ${response.status} for ${url}`);
  return response;
}

/** The body of a response as a Node stream. */
export const responseStream = (response: Response) => Readable.fromWeb(response.body as ReadableStream<Uint8Array>);

export async function hashFile(path: string, algorithm: 'sha256' | 'sha1', prefix?: Buffer): Promise<string> {
  const hash = createHash(algorithm);
  if (prefix) hash.update(prefix);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Size of a regular file; a link, FIFO or device planted in the cache counts as absent (it is never read). */
export const regularFileSize = (path: string) => lstat(path).then((s) => (s.isFile() ? s.size : undefined), () => undefined);

export interface PartDownload {
  url: string;
  /** The file written (`<target>.part`): appended to when the server honours a range request. */
  part: string;
  /** Its name in messages and progress events. */
  file: string;
  /** The size it must have, where known: a complete part is not fetched again. */
  expected?: number;
  /** Bytes past which the download is refused and deleted (a server cannot fill the disk). */
  limit: number;
  /** Tries; each resumes from the bytes already on disk (default 3). */
  attempts?: number;
  onProgress?: (event: { file: string; loaded: number; total: number | undefined }) => void;
}

/** One request into `part`, appending after `have` bytes when the server answers the range with 206. */
async function fetchInto(job: PartDownload, context: DownloadContext, have: number): Promise<boolean> {
  const response = await fetchFollowing(job.url, context, have > 0 ? { headers: { Range: `bytes=${have}-` } } : {});
  const append = have > 0 && response.status === 206;
  const total = job.expected ?? (Number(response.headers.get('content-length')) || undefined);
  let loaded = append ? have : 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      loaded += chunk.length;
      if (loaded > job.limit) return done(new DlError(context.invalid, `${capital(context.server)} sent more than the ${job.limit} bytes of ${job.file} for ${context.subject}: refused and deleted (tampered mirror?)`));
      job.onProgress?.({ file: job.file, loaded, total });
      done(null, chunk);
    },
  });
  const { O_WRONLY, O_CREAT, O_APPEND, O_TRUNC, O_NOFOLLOW } = constants;
  // O_NOFOLLOW: a link planted at <file>.part is not written through.
  const handle = await open(job.part, O_WRONLY | O_CREAT | O_NOFOLLOW | (append ? O_APPEND : O_TRUNC));
  await pipeline(responseStream(response), count, handle.createWriteStream());
  return append;
}

/**
 * Downloads `job.url` into `job.part`, resuming with HTTP range requests after an interruption (in this run or an
 * earlier one), bounded by `job.limit`. Gives whether any try resumed. The caller checks the part and renames it.
 */
export async function downloadPart(job: PartDownload, context: DownloadContext): Promise<{ resumed: boolean }> {
  const attempts = job.attempts ?? 3;
  let resumed = false;
  for (let attempt = 1; ; attempt++) {
    const have = (await regularFileSize(job.part)) ?? 0;
    if (have === 0) await rm(job.part, { force: true }); // absent, empty, or not a regular file: start clean
    if (job.expected !== undefined && have === job.expected) return { resumed }; // complete: an earlier run stopped before the check
    try {
      resumed = (await fetchInto(job, context, have)) || resumed;
      return { resumed };
    } catch (error) {
      if (isDlError(error, context.invalid)) await rm(job.part, { force: true });
      // A 404 is final, unless the caller words it as its offline error (a data set's URL that moved): then retried.
      const final: DlErrorCode[] = [context.invalid, 'ABORTED', ...(context.notFound === context.offline ? [] : [context.notFound])];
      if (isDlError(error) && final.includes(error.code)) throw error;
      const stop = aborted(context);
      if (stop) throw stop;
      if (attempt >= attempts) {
        throw offline(context, `Download of ${job.file} for ${context.subject} was interrupted ${attempts} times (${errorMessage(error)}); run the pull again to resume`, error);
      }
    }
  }
}
