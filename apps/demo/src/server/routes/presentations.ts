import { DlError } from '@dlkit/core';
import { cueLimits, toSrt, toVtt, toVttWords, type CueLimits, type Transcript } from '@dlkit/speech';
import { decodeImage, drawDetections, type Detection } from '@dlkit/vision';
import type { Context } from 'hono';
import { z } from 'zod';
import { MAX_PIXELS } from '../limits.js';
import { bodyError, choiceParam, decimalNumber } from '../params.js';

/**
 * More than a task's JSON answer, for the tasks whose pages want it: its own query parameters (checked before
 * any work), fields added to the answer by work done in the model's queue slot, or another body altogether.
 * A task without one is served as `{input, output}`.
 */
export interface Presentation {
  /** Query parameters it reads; they are not options of the task. */
  readonly params: readonly string[];
  /** Throws a 400 naming a bad parameter, before the upload is read. */
  check(query: Record<string, string>): void;
  /** Fields added to the answer, computed in the queue slot after the model ran. */
  extend?(bytes: Buffer, output: unknown, query: Record<string, string>): Promise<Record<string, unknown>>;
  /** Another answer than JSON, or undefined for the JSON one. */
  render?(c: Context, output: unknown, query: Record<string, string>): Response | undefined;
}

const annotate = (query: Record<string, string>) => choiceParam(query.image, 'image', ['0', '1'], '0') === '1';
const SUBTITLES = ['srt', 'vtt', 'vtt-words'] as const;

/** The library's cue limits, by its names and within its bounds, from decimal query strings. */
const queryCueLimits = z.object({
  maxLineChars: decimalNumber(cueLimits.shape.maxLineChars.unwrap()).optional(),
  maxLineSeconds: decimalNumber(cueLimits.shape.maxLineSeconds.unwrap()).optional(),
});

/**
 * The subtitle format and cue limits asked for (400 naming the parameter otherwise): limits shape cues, so they
 * need a subtitle format, and `vtt-words` highlights each word, so it needs `timestamps=word`.
 */
function subtitles(query: Record<string, string>): { format: 'json' | (typeof SUBTITLES)[number]; limits: CueLimits } {
  const format = choiceParam(query.format, 'format', ['json', ...SUBTITLES], 'json');
  const parsed = queryCueLimits.safeParse({ maxLineChars: query.maxLineChars || undefined, maxLineSeconds: query.maxLineSeconds || undefined });
  if (!parsed.success) throw bodyError(parsed.error);
  const given = Object.keys(parsed.data).filter((k) => parsed.data[k as keyof CueLimits] !== undefined);
  if (given.length > 0 && format === 'json') {
    throw new DlError('INVALID_ARGUMENT', `${given[0]} shapes subtitle cues: it needs format ${SUBTITLES.join(', ')}.`, { parameter: given[0]! });
  }
  if (format === 'vtt-words' && query.timestamps !== 'word') {
    throw new DlError('INVALID_ARGUMENT', 'format vtt-words highlights each word as it is said: it needs timestamps=word.', { parameter: 'timestamps' });
  }
  return { format, limits: parsed.data };
}

/** By task name. */
export const PRESENTATIONS: Readonly<Record<string, Presentation>> = {
  // `image=1`: the boxes drawn on the upright image as a data URL with its size, so one request gives a page both.
  'object-detection': {
    params: ['image'],
    check: annotate,
    async extend(bytes, output, query) {
      if (!annotate(query)) return {};
      const image = await decodeImage(bytes, { maxPixels: MAX_PIXELS });
      const jpeg = await drawDetections(image, output as Detection[], 'jpeg');
      return { size: { width: image.width, height: image.height }, image: `data:image/jpeg;base64,${jpeg.toString('base64')}` };
    },
  },
  // `format=srt|vtt|vtt-words` (with `maxLineChars`, `maxLineSeconds`): subtitles instead of JSON.
  'automatic-speech-recognition': {
    params: ['format', 'maxLineChars', 'maxLineSeconds'],
    check: subtitles,
    render(c, output, query) {
      const { chunks } = output as Transcript;
      const { format, limits } = subtitles(query);
      if (format === 'srt') return c.body(toSrt(chunks, limits), 200, { 'Content-Type': 'application/x-subrip; charset=utf-8' });
      if (format === 'vtt') return c.body(toVtt(chunks, limits), 200, { 'Content-Type': 'text/vtt; charset=utf-8' });
      if (format === 'vtt-words') return c.body(toVttWords(chunks, limits), 200, { 'Content-Type': 'text/vtt; charset=utf-8' });
      return undefined;
    },
  },
};
