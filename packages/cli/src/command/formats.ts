import { extname } from 'node:path';
import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import { UsageError } from '../cli-error.js';
import { typedFlag, type FlagSpec, type ParsedCommand } from './spec.js';

/**
 * What `--format` (or `--out`'s extension) asks for. Every task has `text` (what dl prints) and `json` (the same
 * `{"input", "output"}` line as `--json`); a transcript also has subtitles (`vtt-words`: WebVTT with each word
 * highlighted as it is said), and an image task whose answer has boxes has the image with them drawn.
 */
export const FORMATS = ['text', 'json', 'srt', 'vtt', 'vtt-words', 'jpg', 'png'] as const;
export type Format = (typeof FORMATS)[number];

export const FORMAT_EXTENSION: Record<Format, string> = { text: '.txt', json: '.json', srt: '.srt', vtt: '.vtt', 'vtt-words': '.vtt', jpg: '.jpg', png: '.png' };

const BY_EXTENSION: Record<string, Format> = { '.txt': 'text', '.json': 'json', '.jsonl': 'json', '.srt': 'srt', '.vtt': 'vtt', '.jpg': 'jpg', '.jpeg': 'jpg', '.png': 'png' };

/** The format a file name asks for by its extension (`one.srt` -> srt), if it is one of ours. */
export const formatOfPath = (path: string): Format | undefined => BY_EXTENSION[extname(path).toLowerCase()];

/** Read from the row: its answer's shape (`output`, in words) says which renderings exist. */
const isTranscript = (task: AnyTaskDefinition) => /^\{text, chunks\b/.test(task.output);
const isDrawable = (task: AnyTaskDefinition) => task.input === 'image' && /\bbox\b/.test(task.output);

/** The formats that are subtitle cues, which the cue limits shape. */
const SUBTITLES = ['srt', 'vtt', 'vtt-words'] as const;
export const isSubtitles = (format: Format): format is (typeof SUBTITLES)[number] => (SUBTITLES as readonly Format[]).includes(format);

export function formatsOf(task: AnyTaskDefinition): Format[] {
  return ['text', 'json', ...(isTranscript(task) ? SUBTITLES : []), ...(isDrawable(task) ? (['jpg', 'png'] as const) : [])];
}

/** whisper.cpp's `-ml`, by the library's names (`CueLimits` of @dlkit/speech): the CLI renders, the model does not. */
const CUE_FLAGS: readonly FlagSpec[] = [
  { name: 'max-line-chars', kind: 'int', value: 'N', description: 'subtitles: longest cue in characters; words are packed up to it, never split (as whisper.cpp -ml)' },
  { name: 'max-line-seconds', kind: 'number', value: 'F', description: 'subtitles: longest cue in seconds' },
];

/** The cue-limit flags of a command whose answer is a transcript. */
export const cueFlags = (task: AnyTaskDefinition): FlagSpec[] => (isTranscript(task) ? [...CUE_FLAGS] : []);

/**
 * The cue limits given, checked against the library's schema: a limit with a format that has no cues (text, json),
 * or a word-highlighted WebVTT without word times, is a usage error, not an option quietly dropped.
 */
export async function cueLimitsOf(parsed: ParsedCommand, format: Format): Promise<Record<string, number>> {
  const given = CUE_FLAGS.filter((f) => parsed.values[f.name] !== undefined);
  if (given.length > 0 && !isSubtitles(format)) throw new UsageError(`${typedFlag(parsed, given[0]!.name)} shapes subtitle cues: it needs --format ${SUBTITLES.join(', ')} (or an --out file of one), not ${format}`);
  if (format === 'vtt-words' && parsed.values.timestamps !== 'word') throw new UsageError('--format vtt-words highlights each word as it is said: it needs --timestamps word');
  if (given.length === 0) return {};
  const { cueLimits } = await import('@dlkit/speech');
  const limits: Record<string, number> = {};
  for (const flag of given) {
    const typed = typedFlag(parsed, flag.name);
    const text = String(parsed.values[flag.name]);
    const value = (flag.kind === 'int' ? /^[0-9]{1,15}$/ : /^[0-9]{1,15}(\.[0-9]{1,15})?$/).test(text) ? Number(text) : Number.NaN;
    const limit = flag.name === 'max-line-chars' ? 'maxLineChars' : 'maxLineSeconds';
    const problem = cueLimits.shape[limit].safeParse(value).error?.issues[0]?.message;
    if (problem !== undefined) throw new UsageError(`${typed} must be ${flag.kind === 'int' ? 'a whole number of characters, at least 1' : 'a number of seconds above 0'}, got '${text}' (${problem})`);
    limits[limit] = value;
  }
  return limits;
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
  if (given !== undefined && fromOut !== undefined && FORMAT_EXTENSION[given as Format] !== FORMAT_EXTENSION[fromOut]) throw new UsageError(`--format ${given} contradicts --out ${out} (a .${fromOut === 'text' ? 'txt' : fromOut} file)`);
  if (fromOut !== undefined && !allowed.includes(fromOut)) throw new UsageError(`--out ${out}: ${command} cannot write ${fromOut} (formats: ${allowed.join(', ')})`);
  const format = (given as Format | undefined) ?? fromOut ?? (out === undefined ? 'text' : defaultOutFormat(task));
  if (needsOut(format) && out === undefined) throw new UsageError(`--format ${format} writes images: give --out FILE|DIR`);
  return format;
}
