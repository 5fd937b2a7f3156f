import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { errorResponse } from '../api-error.js';
import { intParam } from '../params.js';
import type { ServerContext } from '../server-context.js';
import { readJson } from '../upload.js';
import type { TrainEvent } from '../train/digits-trainer.js';

/** Seconds between SSE comments, so that proxies and browsers keep an idle stream open. */
const HEARTBEAT_MS = 15_000;

/** Options in a JSON body; none without one. */
async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return {};
  const body = await readJson(c);
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/** The Train page's API: state, start/stop/resume, and a server-sent event stream of the run. */
export function trainRoutes({ trainer }: ServerContext): Hono {
  const routes = new Hono();

  routes.get('/', (c) => c.json(trainer.snapshot()));

  routes.post('/start', async (c) => {
    try {
      const body = await jsonBody(c);
      const epochs = intParam(body.epochs, 'epochs', { min: 1, max: 100, fallback: 3 });
      await trainer.start(epochs);
      return c.json(trainer.snapshot(), 202);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  for (const [action, run] of [
    ['stop', () => trainer.stop()],
    ['resume', () => trainer.resume()],
  ] as const) {
    routes.post(`/${action}`, (c) => {
      try {
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
