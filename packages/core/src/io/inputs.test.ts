import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../errors.js';
import { expandInputs, readInput } from './inputs.js';

let dir: string;
let server: Server;
let base: string;
const body = Buffer.alloc(5000, 7);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-inputs-'));
  await mkdir(join(dir, 'a', 'b'), { recursive: true });
  for (const f of ['a/1.jpg', 'a/b/2.PNG', 'a/b/notes.txt', 'a/.hidden.jpg', 'x.jpg']) await writeFile(join(dir, f), 'x');
  // A real HTTP server on loopback: a file, a 404, one that never answers, one that streams too much.
  server = createServer((req, res) => {
    if (req.url === '/photo.jpg') return void res.end(body);
    if (req.url === '/slow') return; // never answers
    if (req.url === '/endless') {
      res.writeHead(200); // no content-length: the cap must hold while streaming
      const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 1);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await rm(dir, { recursive: true, force: true });
});

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

describe('inputs', () => {
  it('expands directories recursively and globs by extension; keeps URLs, - and plain paths', async () => {
    const ext = ['.jpg', '.png'];
    expect(await expandInputs([join(dir, 'a')], { extensions: ext })).toEqual([join(dir, 'a/1.jpg'), join(dir, 'a/b/2.PNG')]);
    expect(await expandInputs([`${dir}/**/*.jpg`], { extensions: ext })).toEqual([join(dir, 'a/1.jpg'), join(dir, 'x.jpg')]);
    expect(await expandInputs(['-', 'https://example.com/a.jpg', 'missing.jpg'], { extensions: ext })).toEqual(['-', 'https://example.com/a.jpg', 'missing.jpg']);
    const none = await failure(expandInputs([`${dir}/*.gif`], { extensions: ext }));
    expect(isDlError(none, 'INPUT_NOT_FOUND')).toBe(true);
  });

  it('downloads a URL, and answers 404, a silent server and an endless body with typed errors', async () => {
    expect(await readInput(`${base}/photo.jpg`)).toEqual(body);
    const missing = await failure(readInput(`${base}/nope.jpg`));
    expect(isDlError(missing, 'INPUT_NOT_FOUND')).toBe(true);
    expect(missing!.message).toContain('HTTP 404');
    const started = Date.now();
    const slow = await failure(readInput(`${base}/slow`, { timeoutMs: 300 }));
    expect(isDlError(slow, 'INPUT_UNREADABLE')).toBe(true);
    expect(slow!.message).toMatch(/no complete answer within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(3000);
    const endless = await failure(readInput(`${base}/endless`, { maxBytes: 1_000_000 }));
    expect(isDlError(endless, 'INPUT_TOO_LARGE')).toBe(true);
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, '127.0.0.1', ready));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const refused = await failure(readInput(`http://127.0.0.1:${port}/x.jpg`));
    expect(isDlError(refused, 'INPUT_UNREADABLE')).toBe(true);
    expect(refused!.message).toMatch(/ECONNREFUSED/);
  });
});
