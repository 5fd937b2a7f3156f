import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
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
    if (req.url === '/moved') return void res.writeHead(302, { location: '/photo.jpg' }).end();
    if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
    if (req.url === '/elsewhere') return void res.writeHead(301, { location: 'http://localhost:9/secret' }).end();
    if (req.url === '/to-file') return void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
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

  it('follows a redirect, and refuses a redirect loop, a redirect to file: and, with DL_ALLOW_HOSTS, a hop to another host', async () => {
    expect(await readInput(`${base}/moved`)).toEqual(body);
    const loop = await failure(readInput(`${base}/loop`));
    expect(isDlError(loop, 'INPUT_UNREADABLE')).toBe(true);
    expect(loop!.message).toMatch(/more than 5 redirects/);
    expect((await failure(readInput(`${base}/to-file`)))!.message).toMatch(/redirects to file: URL, not http\(s\)/);
    process.env.DL_ALLOW_HOSTS = '127.0.0.1';
    try {
      expect(await readInput(`${base}/moved`)).toEqual(body);
      const away = await failure(readInput(`${base}/elsewhere`));
      expect(isDlError(away, 'INVALID_ARGUMENT')).toBe(true);
      expect(away!.message).toMatch(/redirects to host localhost:9, which is not an allowed host/);
      expect(isDlError(await failure(readInput('http://localhost:9/x')), 'INVALID_ARGUMENT')).toBe(true);
    } finally {
      delete process.env.DL_ALLOW_HOSTS;
    }
  });

  it('walks names that are not UTF-8, keeps symlinked files, and says what it skipped', async () => {
    const walked = join(dir, 'walked');
    await mkdir(join(walked, 'photos'), { recursive: true });
    // Names as bytes: 0xff is never UTF-8, in a file name and in a sub-folder's name.
    await mkdir(Buffer.from(`${walked}/sub\xff`, 'latin1'));
    await writeFile(Buffer.from(`${walked}/sub\xff/bad\xff.jpg`, 'latin1'), 'x');
    await writeFile(join(walked, 'photos', 'real.jpg'), 'x');
    await symlink(join(walked, 'photos', 'real.jpg'), join(walked, 'link.jpg'));
    await symlink('/dev/zero', join(walked, 'zero.jpg'));
    await symlink(join(walked, 'photos'), join(walked, 'linked-folder.jpg'));
    await symlink(join(walked, 'gone.jpg'), join(walked, 'broken.jpg'));
    await writeFile(join(walked, '._real.jpg'), 'x');
    const skipped: string[] = [];
    const files = await expandInputs([walked], { extensions: ['.jpg'], onSkip: (path, reason) => skipped.push(`${path}: ${reason}`) });
    const bad = `${walked}/sub\uFFFD/bad\uFFFD.jpg`;
    expect(files).toEqual([join(walked, 'link.jpg'), join(walked, 'photos', 'real.jpg'), bad, join(walked, 'zero.jpg')].sort());
    expect(skipped.sort()).toEqual([
      `${join(walked, '._real.jpg')}: a hidden file`,
      `${join(walked, 'broken.jpg')}: a symlink whose target does not exist`,
      `${join(walked, 'linked-folder.jpg')}: a symlink to a directory (not followed)`,
    ]);
    // Each of those fails on its own, with what is wrong with it, and the others are read.
    expect((await readInput(join(walked, 'link.jpg'))).toString()).toBe('x');
    const notUtf8 = await failure(readInput(bad));
    expect(isDlError(notUtf8, 'INPUT_UNREADABLE')).toBe(true);
    expect(notUtf8!.message).toBe(`${bad}: cannot be opened: its name is not valid UTF-8 (\uFFFD marks the bytes); rename the file`);
    expect(isDlError(await failure(readInput(join(walked, 'zero.jpg'))), 'INPUT_UNSUPPORTED')).toBe(true);
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
