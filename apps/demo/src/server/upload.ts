import type { Context } from 'hono';
import { ApiError } from './api-error.js';

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

/** The parsed JSON body; one that does not parse is a 400. */
export async function readJson(c: Context): Promise<unknown> {
  return c.req.json().catch(() => {
    throw new ApiError(400, 'INVALID_ARGUMENT', 'The body is not valid JSON.');
  });
}

/** A JSON body `{text}` or a text/plain body; `texts` (an array) for several at once. */
export async function readTexts(c: Context): Promise<{ texts: string[]; batch: boolean; body: Record<string, unknown> }> {
  const type = baseType(c.req.header('content-type'));
  if (type === 'text/plain') return { texts: [await c.req.text()], batch: false, body: {} };
  if (type !== 'application/json') throw new ApiError(415, 'INPUT_UNSUPPORTED', `The body is ${type || 'untyped'}; send JSON {"text": "..."} or text/plain.`);
  const body = await readJson(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'INVALID_ARGUMENT', 'The body must be a JSON object: {"text": "..."}.');
  const record = body as Record<string, unknown>;
  if (typeof record.text === 'string') return { texts: [record.text], batch: false, body: record };
  if (Array.isArray(record.texts) && record.texts.length > 0 && record.texts.every((t) => typeof t === 'string')) {
    return { texts: record.texts as string[], batch: true, body: record };
  }
  throw new ApiError(400, 'INVALID_ARGUMENT', 'The body needs "text" (a string) or "texts" (an array of strings).');
}
