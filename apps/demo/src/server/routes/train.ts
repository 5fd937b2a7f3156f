import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { errorResponse } from '../api-error.js';
import { wholeNumber } from '../params.js';
import type { ServerContext } from '../server-context.js';
import { readJsonBody } from '../upload.js';
import { MAX_EPOCHS, type TrainEvent } from '../train/digits-trainer.js';

/** Seconds between SSE comments, so that proxies and browsers keep an idle stream open. */
const HEARTBEAT_MS = 15_000;

/** `fresh`: start over even though a stopped run could be resumed (its checkpoint is deleted). */
const startBody = z.strictObject({ epochs: wholeNumber(1, MAX_EPOCHS).default(3), fresh: z.boolean().default(false) });
/** Stop and resume take no options, but still a JSON body: no cross-site form or no-cors fetch can send one. */
const noOptions = z.strictObject({});

/** The Train page's API: state, start/stop/resume, and a server-sent event stream of the run. */
export function trainRoutes({ trainer }: ServerContext): Hono {
  const routes = new Hono();

  routes.get('/', (c) => c.json(trainer.snapshot()));

  routes.post('/start', async (c) => {
    try {
      const { epochs, fresh } = await readJsonBody(c, startBody);
      await trainer.start(epochs, { fresh });
      return c.json(trainer.snapshot(), 202);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  for (const [action, run] of [
    ['stop', () => trainer.stop()],
    ['resume', () => trainer.resume()],
  ] as const) {
    routes.post(`/${action}`, async (c) => {
      try {
        await readJsonBody(c, noOptions);
        run();
        return c.json(trainer.snapshot(), 202);
      } catch (error) {
        return errorResponse(c, error);
      }
    });
  }

  // `state` first (the whole run so far), then `batch`, `epoch` and `state` as they happen.
  routes.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const pending: TrainEvent[] = [{ type: 'state', state: trainer.snapshot() }];
      let wake: (() => void) | undefined;
      const unsubscribe = trainer.subscribe((event) => {
        pending.push(event);
        wake?.();
      });
      const heartbeat = setInterval(() => wake?.(), HEARTBEAT_MS);
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        wake?.();
      });
      try {
        while (!closed) {
          if (pending.length === 0) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
            if (pending.length === 0 && !closed) await stream.write(': keep-alive\n\n');
            continue;
          }
          const event = pending.shift()!;
          const data = event.type === 'state' ? event.state : event.type === 'batch' ? event.point : event.logs;
          await stream.writeSSE({ event: event.type, data: JSON.stringify(data) });
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    }),
  );

  return routes;
}
