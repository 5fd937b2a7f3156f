import { isDlError } from '@dlkit/core';
import { audioStream, SAMPLE_RATE, toSrt, toVtt } from '@dlkit/speech';
import { Hono } from 'hono';
import { ApiError, errorResponse } from '../api-error.js';
import { choiceParam } from '../params.js';
import { nextSlice } from '../queue.js';
import type { ServerContext } from '../server-context.js';
import { AUDIO, readUpload } from '../upload.js';

/**
 * Seconds of audio a request may carry: the pages send a few seconds. 300 s took 6 s to transcribe here (speech,
 * noise or silence alike), so this bounds the one step the deadline cannot cut short when no word is found.
 */
export const MAX_AUDIO_SECONDS = 120;

const tooLong = (name: string) =>
  new ApiError(413, 'INPUT_TOO_LARGE', `${name} is longer than ${MAX_AUDIO_SECONDS} s; this server transcribes at most ${MAX_AUDIO_SECONDS} s of audio per request.`);

/**
 * Refuses audio longer than MAX_AUDIO_SECONDS by its decoded length, before transcribing: a small file can
 * declare a tiny sample rate (1 MB at 1 Hz is 145 hours at 16 kHz). Decoding stops at the limit, and checks the
 * deadline at every chunk. The reader's own duration bound (from the header, in @dlkit/speech) says "raise
 * maxSeconds", which an HTTP client cannot: it is answered with this server's limit.
 */
async function assertDuration(bytes: Uint8Array, name: string, signal: AbortSignal): Promise<void> {
  let samples = 0;
  try {
    for await (const chunk of audioStream(bytes, { name })) {
      samples += chunk.length;
      if (samples > MAX_AUDIO_SECONDS * SAMPLE_RATE) throw tooLong(name);
      await nextSlice(signal);
    }
  } catch (error) {
    throw isDlError(error, 'INPUT_TOO_LARGE') ? tooLong(name) : error;
  }
}

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
        await assertDuration(upload.bytes, upload.name, signal);
        // Each word found is a place to stop at the deadline.
        return (await pipelines.transcriber()).transcribe(upload.bytes, { name: upload.name, onProgress: () => signal.throwIfAborted() });
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
