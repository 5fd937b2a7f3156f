import { summarizeExtractive } from '@dlkit/nlp';
import { Hono } from 'hono';
import { errorResponse } from '../api-error.js';
import { choiceParam, intParam } from '../params.js';
import type { ServerContext } from '../server-context.js';
import { readTexts } from '../upload.js';

/** Names texts in results as the CLI names rows: by their place in the request. */
const inputName = (i: number, batch: boolean) => (batch ? `texts[${i}]` : 'text');

/** POST /sentiment and /summarize: JSON `{text}` (or `{texts: [...]}`) or a text/plain body. */
export function nlpRoutes({ pipelines, queue }: ServerContext): Hono {
  const routes = new Hono();

  routes.post('/sentiment', async (c) => {
    try {
      const { texts, batch, body } = await readTexts(c);
      const allScores = body.allScores === true || c.req.query('allScores') === '1';
      const outputs = await queue.run(async () => (await pipelines.sentiment()).classifyBatch(texts, { allScores }));
      const results = outputs.map((output, i) => ({ input: inputName(i, batch), output }));
      return c.json(batch ? results : results[0]);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  routes.post('/summarize', async (c) => {
    try {
      const { texts, batch, body } = await readTexts(c);
      // Extractive by default: it needs no model download, so the page works offline out of the box.
      const method = choiceParam(body.method ?? c.req.query('method'), 'method', ['extractive', 'abstractive'], 'extractive');
      const sentences = intParam(body.sentences ?? c.req.query('sentences'), 'sentences', { min: 1, max: 100, fallback: 3 });
      const results = [];
      for (const [i, text] of texts.entries()) {
        const output =
          method === 'extractive'
            ? summarizeExtractive(text, { sentences })
            : await queue.run(async () => (await pipelines.summarizer()).summarize(text));
        results.push({ input: inputName(i, batch), output });
      }
      return c.json(batch ? results : results[0]);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  return routes;
}
