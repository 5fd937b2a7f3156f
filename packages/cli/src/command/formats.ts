import { extname } from 'node:path';
import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import { UsageError } from '../cli-error.js';

/**
 * What `--format` (or `--out`'s extension) asks for. Every task has `text` (what dl prints) and `json` (the same
 * `{"input", "output"}` line as `--json`); a transcript also has subtitles, and an image task whose answer has
 * boxes has the image with them drawn.
 */
export const FORMATS = ['text', 'json', 'srt', 'vtt', 'jpg', 'png'] as const;
export type Format = (typeof FORMATS)[number];

export const FORMAT_EXTENSION: Record<Format, string> = { text: '.txt', json: '.json', srt: '.srt', vtt: '.vtt', jpg: '.jpg', png: '.png' };

const BY_EXTENSION: Record<string, Format> = { '.txt': 'text', '.json': 'json', '.jsonl': 'json', '.srt': 'srt', '.vtt': 'vtt', '.jpg': 'jpg', '.jpeg': 'jpg', '.png': 'png' };

/** The format a file name asks for by its extension (`one.srt` -> srt), if it is one of ours. */
export const formatOfPath = (path: string): Format | undefined => BY_EXTENSION[extname(path).toLowerCase()];

/** Read from the row: its answer's shape (`output`, in words) says which renderings exist. */
const isTranscript = (task: AnyTaskDefinition) => /^\{text, chunks\b/.test(task.output);
const isDrawable = (task: AnyTaskDefinition) => task.input === 'image' && /\bbox\b/.test(task.output);

export function formatsOf(task: AnyTaskDefinition): Format[] {
  return ['text', 'json', ...(isTranscript(task) ? (['srt', 'vtt'] as const) : []), ...(isDrawable(task) ? (['jpg', 'png'] as const) : [])];
}

/** What --out writes when neither --format nor its extension says: the drawn image where there is one, else text. */
export const defaultOutFormat = (task: AnyTaskDefinition): Format => (isDrawable(task) ? 'jpg' : 'text');

/** Formats that are files, never printed (an image on a terminal is noise). */
export const needsOut = (format: Format): boolean => format === 'jpg' || format === 'png';

/**
 * The format of a run: --format, else --out's extension, else the default; an unknown or inapplicable format, or
 * a --format that contradicts --out's extension (`--out a.srt --format vtt`), is a usage error.
 */
export function chooseFormat(task: AnyTaskDefinition, given: string | undefined, out: string | undefined, command: string): Format {
  const allowed = formatsOf(task);
  if (given !== undefined && !allowed.includes(given as Format)) throw new UsageError(`--format must be one of ${allowed.join(', ')} for ${command}, got '${given}'`);
  const fromOut = out === undefined ? undefined : formatOfPath(out);
  if (given !== undefined && fromOut !== undefined && given !== fromOut) throw new UsageError(`--format ${given} contradicts --out ${out} (a .${fromOut === 'text' ? 'txt' : fromOut} file)`);
  if (fromOut !== undefined && !allowed.includes(fromOut)) throw new UsageError(`--out ${out}: ${command} cannot write ${fromOut} (formats: ${allowed.join(', ')})`);
  const format = (given as Format | undefined) ?? fromOut ?? (out === undefined ? 'text' : defaultOutFormat(task));
  if (needsOut(format) && out === undefined) throw new UsageError(`--format ${format} writes images: give --out FILE|DIR`);
  return format;
}
