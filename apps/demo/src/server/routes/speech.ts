import { isDlError } from '@dlkit/core';
import { toSrt, toVtt } from '@dlkit/speech';
import { Hono } from 'hono';
import { ApiError, errorResponse } from '../api-error.js';
import { choiceParam } from '../params.js';
import type { ServerContext } from '../server-context.js';
import { AUDIO, readUpload } from '../upload.js';

/**
 * Seconds of audio a request may carry: the pages send a few seconds. 300 s took 6 s to transcribe here (speech,
 * noise or silence alike), so this bounds the one step the deadline cannot cut short when no word is found.
 */
export const MAX_AUDIO_SECONDS = 120;

const tooLong = (name: string) =>
  new ApiError(413, 'INPUT_TOO_LARGE', `${name} is longer than ${MAX_AUDIO_SECONDS} s; this server transcribes at most ${MAX_AUDIO_SECONDS} s of audio per request.`);

/** POST /transcribe: a recording in; `{input, output: {text, chunks}}`, or subtitles with `?format=srt|vtt`. */
export function speechRoutes({ pipelines, queue }: ServerContext): Hono {
  const routes = new Hono();

  routes.post('/transcribe', async (c) => {
    let input: string | undefined;
    try {
      const format = choiceParam(c.req.query('format'), 'format', ['json', 'srt', 'vtt'], 'json');
      queue.admit();
      const upload = await readUpload(c, AUDIO);
      input = upload.name;
      const output = await queue.run(async (signal) => {
        const transcriber = await pipelines.transcriber();
        // A small file can declare a tiny sample rate (1 MB at 1 Hz is 145 hours at 16 kHz): the reader refuses it
        // from the header, or once decoding passes the bound. It says "raise maxSeconds", which an HTTP client
        // cannot: it is answered with this server's limit. The signal stops decoding at every chunk, and each
        // word found is a place to stop too.
        const options = { name: upload.name, maxSeconds: MAX_AUDIO_SECONDS, signal, onProgress: () => signal.throwIfAborted() };
        return transcriber.transcribe(upload.bytes, options).catch((error: unknown) => {
          throw isDlError(error, 'INPUT_TOO_LARGE') ? tooLong(upload.name) : error;
        });
      });
      if (format === 'srt') return c.body(toSrt(output.chunks), 200, { 'Content-Type': 'application/x-subrip; charset=utf-8' });
      if (format === 'vtt') return c.body(toVtt(output.chunks), 200, { 'Content-Type': 'text/vtt; charset=utf-8' });
      return c.json({ input, output });
    } catch (error) {
      return errorResponse(c, error, input);
    }
  });

  return routes;
}
