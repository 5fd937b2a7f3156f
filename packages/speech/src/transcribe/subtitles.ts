import { z } from 'zod';
import { parseOptions } from '@dlkit/core/pipeline';
import type { TranscriptChunk } from './transcribe.js';

/** How long a cue may be, as whisper.cpp's `-ml` (`--max-len`) bounds a segment; no limit when absent. */
export const cueLimits = z.strictObject({
  maxLineChars: z.number().int().min(1).max(10_000).optional().describe('longest cue, in characters: words are packed up to it, never split'),
  maxLineSeconds: z.number().positive().max(24 * 3600).optional().describe('longest cue, in seconds'),
});
export type CueLimits = z.infer<typeof cueLimits>;

/** One cue and, where known or estimated, the time each of its words starts (for the word-highlighted WebVTT). */
export interface Cue extends TranscriptChunk {
  words: TranscriptChunk[];
}

function clock(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

const wordsOf = (text: string) => text.trim().split(/\s+/).filter(Boolean);

/**
 * A segment's words with times shared in proportion to characters (a space counts as one): Whisper's segment
 * timestamps say nothing of where inside it each word falls, so this is an estimate, used only to split a segment
 * longer than the limits.
 */
function proportionalWords(chunk: TranscriptChunk): TranscriptChunk[] {
  const words = wordsOf(chunk.text);
  const total = words.join(' ').length;
  const [start, end] = chunk.timestamp;
  const at = (chars: number) => start + ((end - start) * chars) / total;
  let offset = 0;
  return words.map((text) => {
    const word: TranscriptChunk = { timestamp: [at(offset), at(offset + text.length)], text };
    offset += text.length + 1;
    return word;
  });
}

const fits = (words: readonly TranscriptChunk[], limits: CueLimits) =>
  words.map((w) => w.text).join(' ').length <= (limits.maxLineChars ?? Infinity) &&
  words[words.length - 1]!.timestamp[1] - words[0]!.timestamp[0] <= (limits.maxLineSeconds ?? Infinity);

/** Words packed greedily into cues within the limits; a word alone over them is a cue of its own, never split. */
function pack(words: readonly TranscriptChunk[], limits: CueLimits): Cue[] {
  const cues: Cue[] = [];
  let line: TranscriptChunk[] = [];
  const close = () => {
    if (line.length > 0) cues.push({ timestamp: [line[0]!.timestamp[0], line[line.length - 1]!.timestamp[1]], text: line.map((w) => w.text).join(' '), words: line });
    line = [];
  };
  for (const word of words) {
    if (line.length > 0 && !fits([...line, word], limits)) close();
    line.push(word);
  }
  close();
  return cues;
}

/**
 * Chunks as subtitle cues, split as whisper.cpp's `-ml` does. One-word chunks (`timestamps: 'word'`, or the
 * speech-digits model's) are packed into cues up to `maxLineChars` and `maxLineSeconds`; a longer chunk (a Whisper
 * segment) stays one cue when it fits and is otherwise split at word boundaries, its words' times shared in
 * proportion to characters. Chunks with no text (a segment the digits model could not read) make no cue. Without
 * limits each chunk is one cue. Bad limits are INVALID_ARGUMENT naming the limit.
 */
export function splitCues(chunks: readonly TranscriptChunk[], limits: CueLimits = {}): Cue[] {
  const checked = parseOptions(cueLimits, limits, 'subtitle cues');
  if (checked.maxLineChars === undefined && checked.maxLineSeconds === undefined) {
    return chunks.flatMap((c) => (c.text.trim() === '' ? [] : [{ timestamp: c.timestamp, text: c.text.trim(), words: proportionalWords(c) }]));
  }
  const cues: Cue[] = [];
  let words: TranscriptChunk[] = [];
  const flush = () => (cues.push(...pack(words, checked)), (words = []));
  for (const chunk of chunks) {
    const text = chunk.text.trim();
    if (text === '') continue;
    const one = { timestamp: chunk.timestamp, text } satisfies TranscriptChunk;
    if (wordsOf(text).length === 1) {
      words.push(one);
      continue;
    }
    flush();
    if (fits([one], checked)) cues.push({ ...one, words: proportionalWords(one) });
    else cues.push(...pack(proportionalWords(one), checked));
  }
  flush();
  return cues;
}

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm` (hours grow past 99 if they must). */
export function toSrt(chunks: readonly TranscriptChunk[], limits?: CueLimits): string {
  return splitCues(chunks, limits)
    .map((c, i) => `${i + 1}\n${clock(c.timestamp[0], ',')} --> ${clock(c.timestamp[1], ',')}\n${c.text}\n`)
    .join('\n');
}

/** WebVTT: a `WEBVTT` header, then cues with `HH:MM:SS.mmm` times. */
export function toVtt(chunks: readonly TranscriptChunk[], limits?: CueLimits): string {
  return `WEBVTT\n\n${splitCues(chunks, limits)
    .map((c) => `${clock(c.timestamp[0], '.')} --> ${clock(c.timestamp[1], '.')}\n${c.text}\n`)
    .join('\n')}`;
}

/** `<` and `&` would open a tag or an entity in a cue's text. */
const escapeCue = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A cue's words each in a `<c>` span, every word after the first preceded by its start as a timestamp tag
 * (`<00:00:01.200><c>seven</c>`), so a player can highlight each word as it is said (`::cue(:past)`). WebVTT wants
 * those times after the cue's start, before its end and increasing: a word that would break that (a start rounded
 * onto its neighbour's) joins the previous word's highlight instead of carrying a tag.
 */
function highlighted(cue: Cue): string {
  let last = Math.round(cue.timestamp[0] * 1000);
  const end = Math.round(cue.timestamp[1] * 1000);
  return cue.words
    .map((word, i) => {
      const at = Math.round(word.timestamp[0] * 1000);
      const tag = i > 0 && at > last && at < end ? `<${clock(at / 1000, '.')}>` : '';
      if (tag) last = at;
      return `${i > 0 ? ' ' : ''}${tag}<c>${escapeCue(word.text)}</c>`;
    })
    .join('');
}

/** WebVTT with each word highlighted as it is said: the cues of `splitCues`, their words timed inline. */
export function toVttWords(chunks: readonly TranscriptChunk[], limits?: CueLimits): string {
  return `WEBVTT\n\n${splitCues(chunks, limits)
    .map((c) => `${clock(c.timestamp[0], '.')} --> ${clock(c.timestamp[1], '.')}\n${highlighted(c)}\n`)
    .join('\n')}`;
}

const TIME = /^(\d{2,}):(\d{2}):(\d{2})[,.](\d{3})$/;

/** `HH:MM:SS.mmm` (or `,mmm`) in seconds; anything else throws. */
export function parseCueTime(text: string | undefined): number {
  const m = TIME.exec(text ?? '');
  if (!m) throw new Error(`bad cue time: ${text}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
}

/** Cues of an SRT or VTT file back as chunks (times in seconds): for checking what was written. */
export function parseSubtitles(text: string): TranscriptChunk[] {
  const cues: TranscriptChunk[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n{2,}/)) {
    const lines = block.trim().split('\n');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0) continue;
    const [a, b] = lines[at]!.split('-->').map((s) => s.trim());
    cues.push({ timestamp: [parseCueTime(a), parseCueTime(b)], text: lines.slice(at + 1).join('\n') });
  }
  return cues;
}
