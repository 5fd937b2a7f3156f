import type { Context } from 'hono';
import { z } from 'zod';
import { ApiError } from './api-error.js';
import { bodyError } from './params.js';

/** What a route accepts: media types, and the word used in messages. */
export interface MediaKind {
  noun: string;
  types: readonly string[];
}

export const IMAGE: MediaKind = {
  noun: 'an image (JPEG, PNG, WebP, GIF, AVIF or TIFF)',
  types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'image/tiff'],
};

export const AUDIO: MediaKind = {
  noun: 'a recording (WAV, or MP3/OGG/FLAC/M4A/WebM where ffmpeg is installed)',
  types: ['audio/*', 'video/webm', 'video/mp4', 'video/ogg'],
};

export interface Upload {
  /** The file's name, or "upload" for a raw body. */
  name: string;
  bytes: Buffer;
}

const baseType = (header: string | undefined) => (header ?? '').split(';')[0]!.trim().toLowerCase();

function accepted(kind: MediaKind, type: string): boolean {
  // Browsers label files they cannot place as octet-stream or nothing: let the decoder judge those bytes.
  if (type === '' || type === 'application/octet-stream') return true;
  return kind.types.some((t) => (t.endsWith('/*') ? type.startsWith(t.slice(0, -1)) : t === type));
}

function assertType(kind: MediaKind, type: string, name: string): void {
  if (!accepted(kind, type)) throw new ApiError(415, 'INPUT_UNSUPPORTED', `${name} is ${type}; this needs ${kind.noun}.`);
}

/** The uploaded file: multipart field `file`, or the raw body with its own Content-Type. */
export async function readUpload(c: Context, kind: MediaKind): Promise<Upload> {
  const type = baseType(c.req.header('content-type'));
  let upload: Upload;
  if (type === 'multipart/form-data') {
    const form = await c.req.formData().catch(() => {
      throw new ApiError(400, 'INVALID_ARGUMENT', 'The multipart body could not be read.');
    });
    const file = form.get('file');
    if (!(file instanceof File)) throw new ApiError(400, 'INVALID_ARGUMENT', 'The multipart upload needs its file in a field named "file".');
    assertType(kind, baseType(file.type), file.name || 'The file');
    upload = { name: file.name || 'upload', bytes: Buffer.from(await file.arrayBuffer()) };
  } else {
    assertType(kind, type, 'The body');
    upload = { name: 'upload', bytes: Buffer.from(await c.req.arrayBuffer()) };
  }
  if (upload.bytes.length === 0) throw new ApiError(400, 'INPUT_UNREADABLE', `${upload.name} is empty; this needs ${kind.noun}.`);
  return upload;
}

/** What one text request may carry: sized so that the 9 requests the queue holds fit the demo's 256 MB heap. */
export const TEXT_LIMITS = {
  /** Bytes of body, checked before it is read: 200,000 characters even if every one is a 6-byte JSON escape. */
  bodyBytes: 2 * 1024 * 1024,
  texts: 1000,
  /** A long article; summarizing one this size takes ~5 s (TextRank's graph), scoring its sentiment ~1.5 s. */
  charsPerText: 100_000,
  charsPerRequest: 200_000,
} as const;

const count = (n: number) => n.toLocaleString('en-US');

const tooLarge = (what: string, limit: string) => new ApiError(413, 'INPUT_TOO_LARGE', `${what}; this server takes at most ${limit}.`);

/** The 413 for a text body over `TEXT_LIMITS.bodyBytes`. */
export const textBodyTooLarge = () => tooLarge('The body is too large', `${count(TEXT_LIMITS.bodyBytes)} bytes of text per request`);

/** The parsed JSON body; one that does not parse is a 400, never `{}`. */
async function readJson(c: Context): Promise<unknown> {
  return c.req.json().catch(() => {
    throw new ApiError(400, 'INVALID_ARGUMENT', 'The body is not valid JSON.');
  });
}

/** A JSON body checked against `schema`: another content type is a 415 (a cross-site form cannot send JSON). */
export async function readJsonBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const type = baseType(c.req.header('content-type'));
  if (type !== 'application/json') throw new ApiError(415, 'INPUT_UNSUPPORTED', `The body is ${type || 'untyped'}; this route takes application/json.`);
  const parsed = schema.safeParse(await readJson(c));
  if (!parsed.success) throw bodyError(parsed.error);
  return parsed.data;
}

/** `text` or `texts`, the model, and the task's options as the other fields (checked against its schema later). */
const textBody = z.looseObject({
  text: z.string().optional(),
  texts: z.array(z.string()).min(1).optional(),
  model: z.string().optional(),
});

export interface TextRequest {
  texts: string[];
  batch: boolean;
  model?: string;
  /** The body's other fields: the task's options. */
  options: Record<string, unknown>;
}

/** Refuses texts over TEXT_LIMITS before any model sees them. */
function checkTextLimits(texts: string[], batch: boolean): void {
  if (texts.length > TEXT_LIMITS.texts) throw tooLarge(`The request has ${count(texts.length)} texts`, `${count(TEXT_LIMITS.texts)} texts per request`);
  let total = 0;
  for (const [i, text] of texts.entries()) {
    if (text.length > TEXT_LIMITS.charsPerText) {
      throw tooLarge(`${batch ? `texts[${i}]` : 'The text'} is ${count(text.length)} characters`, `${count(TEXT_LIMITS.charsPerText)} characters per text`);
    }
    total += text.length;
  }
  if (total > TEXT_LIMITS.charsPerRequest) throw tooLarge(`The request has ${count(total)} characters of text`, `${count(TEXT_LIMITS.charsPerRequest)} characters per request`);
}

/** A JSON body `{text}` or a text/plain body; `texts` (an array) for several at once; within TEXT_LIMITS. */
export async function readTexts(c: Context): Promise<TextRequest> {
  const type = baseType(c.req.header('content-type'));
  let read: TextRequest;
  if (type === 'text/plain') read = { texts: [await c.req.text()], batch: false, options: {} };
  else if (type !== 'application/json') throw new ApiError(415, 'INPUT_UNSUPPORTED', `The body is ${type || 'untyped'}; send JSON {"text": "..."} or text/plain.`);
  else {
    const { text, texts, model, ...options } = await readJsonBody(c, textBody);
    const chosen = model === undefined ? {} : { model };
    if (text !== undefined) read = { texts: [text], batch: false, options, ...chosen };
    else if (texts !== undefined) read = { texts, batch: true, options, ...chosen };
    else throw new ApiError(400, 'INVALID_ARGUMENT', 'The body needs "text" (a string) or "texts" (an array of strings).');
  }
  checkTextLimits(read.texts, read.batch);
  return read;
}
