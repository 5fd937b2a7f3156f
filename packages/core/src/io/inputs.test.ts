import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
// This file's server is on loopback: reading it takes both opt-ins (the policy itself is tested in url-input.test.ts).
const web = { allowUrls: true, allowPrivateHosts: true };

describe('inputs', () => {
  it('expands directories recursively and globs by extension; keeps URLs, - (with allowStdin) and plain paths', async () => {
    const ext = ['.jpg', '.png'];
    expect(await expandInputs([join(dir, 'a')], { extensions: ext })).toEqual([join(dir, 'a/1.jpg'), join(dir, 'a/b/2.PNG')]);
    expect(await expandInputs([`${dir}/**/*.jpg`], { extensions: ext })).toEqual([join(dir, 'a/1.jpg'), join(dir, 'x.jpg')]);
    expect(await expandInputs(['-', 'https://example.com/a.jpg?size=2', 'missing.jpg'], { extensions: ext, allowStdin: true })).toEqual(['-', 'https://example.com/a.jpg?size=2', 'missing.jpg']);
    const none = await failure(expandInputs([`${dir}/*.gif`], { extensions: ext }));
    expect(isDlError(none, 'INPUT_NOT_FOUND')).toBe(true);
  });

  it('follows a redirect, and refuses a redirect loop, a redirect to file: and, with DL_ALLOW_HOSTS, a hop to another host', async () => {
    expect(await readInput(`${base}/moved`, web)).toEqual(body);
    const loop = await failure(readInput(`${base}/loop`, web));
    expect(isDlError(loop, 'INPUT_UNREADABLE')).toBe(true);
    expect(loop!.message).toMatch(/more than 5 redirects/);
    expect((await failure(readInput(`${base}/to-file`, web)))!.message).toMatch(/redirects to file: URL, not http\(s\)/);
    process.env.DL_ALLOW_HOSTS = '127.0.0.1';
    try {
      // A host on DL_ALLOW_HOSTS was listed on purpose: it is read although it is loopback.
      expect(await readInput(`${base}/moved`, { allowUrls: true })).toEqual(body);
      const away = await failure(readInput(`${base}/elsewhere`, web));
      expect(isDlError(away, 'INVALID_ARGUMENT')).toBe(true);
      expect(away!.message).toMatch(/redirects to host localhost:9, which is not an allowed host/);
      expect(isDlError(await failure(readInput('http://localhost:9/x', web)), 'INVALID_ARGUMENT')).toBe(true);
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
    expect(await readInput(`${base}/photo.jpg`, web)).toEqual(body);
    const missing = await failure(readInput(`${base}/nope.jpg`, web));
    expect(isDlError(missing, 'INPUT_NOT_FOUND')).toBe(true);
    expect(missing!.message).toContain('HTTP 404');
    const started = Date.now();
    const slow = await failure(readInput(`${base}/slow`, { ...web, timeoutMs: 300 }));
    expect(isDlError(slow, 'INPUT_UNREADABLE')).toBe(true);
    expect(slow!.message).toMatch(/no complete answer within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(3000);
    const endless = await failure(readInput(`${base}/endless`, { ...web, maxBytes: 1_000_000 }));
    expect(isDlError(endless, 'INPUT_TOO_LARGE')).toBe(true);
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, '127.0.0.1', ready));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const refused = await failure(readInput(`http://127.0.0.1:${port}/x.jpg`, web));
    expect(isDlError(refused, 'INPUT_UNREADABLE')).toBe(true);
    expect(refused!.message).toMatch(/ECONNREFUSED/);
  });
});

describe('- is standard input only for a caller that asks', () => {
  it('without allowStdin, - is a path: no stdin read (a pipe that never closes), INPUT_NOT_FOUND with a hint, a file or folder named - is taken', async () => {
    // A child process with this test holding its stdin open and silent: reading stdin would never finish.
    const cwd = await mkdtemp(join(tmpdir(), 'dlkit-dash-'));
    const core = pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href;
    const script = `
      import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
      const { expandInputs, readInput, readInputStream } = await import(${JSON.stringify(core)});
      const seen = (e) => ({ code: e.code, message: e.message, hint: e.hint });
      const out = {};
      out.read = await readInput('-').then(() => 'read', seen);
      out.stream = await (async () => { for await (const _ of readInputStream('-')) return 'read'; })().catch(seen);
      mkdirSync('-');
      writeFileSync('-/a.jpg', 'x');
      out.expanded = await expandInputs(['-'], { extensions: ['.jpg'] });
      out.expandedStdin = await expandInputs(['-'], { extensions: ['.jpg'], allowStdin: true });
      rmSync('-', { recursive: true });
      writeFileSync('-', 'a file named -');
      out.file = (await readInput('-')).toString();
      console.log(JSON.stringify(out));
      process.exit(0);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const started = Date.now();
    // Reading stdin (the old behaviour) would hang: stop the child instead of waiting for the test timeout.
    const stuck = setTimeout(() => child.kill(), 10_000);
    const code = await new Promise((done) => child.on('exit', done));
    clearTimeout(stuck);
    child.stdin.destroy();
    await rm(cwd, { recursive: true, force: true });
    expect(code).toBe(0);
    const notFound = {
      code: 'INPUT_NOT_FOUND',
      message: '-: no such file (standard input is read only when the caller allows it)',
      hint: { kind: 'use-option', option: 'allowStdin', value: true },
    };
    expect(JSON.parse(out)).toEqual({ read: notFound, stream: notFound, expanded: ['-/a.jpg'], expandedStdin: ['-'], file: 'a file named -' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
