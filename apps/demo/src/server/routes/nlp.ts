import { summarizeExtractive } from '@dlkit/nlp';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorResponse } from '../api-error.js';
import { choiceParam, intParam } from '../params.js';
import { nextSlice } from '../queue.js';
import type { ServerContext } from '../server-context.js';
import { readTexts, TEXT_LIMITS, textBodyTooLarge } from '../upload.js';

/** Names texts in results as the CLI names rows: by their place in the request. */
const inputName = (i: number, batch: boolean) => (batch ? `texts[${i}]` : 'text');

/** Characters of text scored in one go: ~300 ms of the sentiment model, the most a deadline waits for. */
const SENTIMENT_SLICE_CHARS = 20_000;

/** Consecutive texts of at most SENTIMENT_SLICE_CHARS in all (a longer text is a slice of its own). */
function slices(texts: string[]): string[][] {
  const out: string[][] = [];
  let chars = Infinity;
  for (const text of texts) {
    if (chars + text.length > SENTIMENT_SLICE_CHARS) {
      out.push([]);
      chars = 0;
    }
    out.at(-1)!.push(text);
    chars += text.length;
  }
  return out;
}

/** POST /sentiment and /summarize: JSON `{text}` (or `{texts: [...]}`) or a text/plain body. */
export function nlpRoutes({ pipelines, queue }: ServerContext): Hono {
  const routes = new Hono();
  routes.use('*', bodyLimit({ maxSize: TEXT_LIMITS.bodyBytes, onError: (c) => errorResponse(c, textBodyTooLarge()) }));

  routes.post('/sentiment', async (c) => {
    try {
      queue.admit();
      const { texts, batch, options } = await readTexts(c);
      const allScores = options.allScores === true || c.req.query('allScores') === '1';
      const outputs = await queue.run(async (signal) => {
        const sentiment = await pipelines.sentiment();
        const labels = [];
        for (const slice of slices(texts)) {
          await nextSlice(signal);
          labels.push(...(await sentiment.classifyBatch(slice, { allScores })));
        }
        return labels;
      });
      const results = outputs.map((output, i) => ({ input: inputName(i, batch), output }));
      return c.json(batch ? results : results[0]);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  routes.post('/summarize', async (c) => {
    try {
      queue.admit();
      const { texts, batch, options } = await readTexts(c);
      // Extractive by default: it needs no model download, so the page works offline out of the box.
      const method = choiceParam(options.method ?? c.req.query('method'), 'method', ['extractive', 'abstractive'], 'extractive');
      const sentences = intParam(options.sentences ?? c.req.query('sentences'), 'sentences', { min: 1, max: 100, fallback: 3 });
      // Extractive summaries need no model but are CPU work all the same (TextRank is quadratic): queued too.
      const outputs = await queue.run(async (signal) => {
        const summaries = [];
        for (const text of texts) {
          await nextSlice(signal);
          summaries.push(method === 'extractive' ? summarizeExtractive(text, { sentences }) : await (await pipelines.summarizer()).summarize(text));
        }
        return summaries;
      });
      const results = outputs.map((output, i) => ({ input: inputName(i, batch), output }));
      return c.json(batch ? results : results[0]);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  return routes;
}
