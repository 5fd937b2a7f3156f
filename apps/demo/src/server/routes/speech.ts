import { toSrt, toVtt } from '@dlkit/speech';
import { Hono } from 'hono';
import { errorResponse } from '../api-error.js';
import { choiceParam } from '../params.js';
import type { ServerContext } from '../server-context.js';
import { AUDIO, readUpload } from '../upload.js';

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
      const output = await queue.run(async () => (await pipelines.transcriber()).transcribe(upload.bytes, { name: upload.name }));
      if (format === 'srt') return c.body(toSrt(output.chunks), 200, { 'Content-Type': 'application/x-subrip; charset=utf-8' });
      if (format === 'vtt') return c.body(toVtt(output.chunks), 200, { 'Content-Type': 'text/vtt; charset=utf-8' });
      return c.json({ input, output });
    } catch (error) {
      return errorResponse(c, error, input);
    }
  });

  return routes;
}
