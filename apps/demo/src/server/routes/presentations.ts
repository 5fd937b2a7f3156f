import { toSrt, toVtt, type Transcript } from '@dlkit/speech';
import { decodeImage, drawDetections, type Detection } from '@dlkit/vision';
import type { Context } from 'hono';
import { MAX_PIXELS } from '../limits.js';
import { choiceParam } from '../params.js';

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
const subtitleFormat = (query: Record<string, string>) => choiceParam(query.format, 'format', ['json', 'srt', 'vtt'], 'json');

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
  // `format=srt|vtt`: subtitles instead of JSON.
  'automatic-speech-recognition': {
    params: ['format'],
    check: subtitleFormat,
    render(c, output, query) {
      const { chunks } = output as Transcript;
      const format = subtitleFormat(query);
      if (format === 'srt') return c.body(toSrt(chunks), 200, { 'Content-Type': 'application/x-subrip; charset=utf-8' });
      if (format === 'vtt') return c.body(toVtt(chunks), 200, { 'Content-Type': 'text/vtt; charset=utf-8' });
      return undefined;
    },
  },
};
