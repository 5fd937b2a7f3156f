import { execFileSync, spawn } from 'node:child_process';
import { open, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError, type DlError } from '../errors.js';
import { readInputFile } from './read-input.js';

let dir: string;
let socketServer: Server;
const fifo = (name: string) => {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
};
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Error) => e);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-read-input-'));
  await symlink('/dev/zero', join(dir, 'zero.jpg'));
  socketServer = createServer();
  await new Promise<void>((ready) => socketServer.listen(join(dir, 'socket.jpg'), ready));
});
afterAll(async () => {
  await new Promise((done) => socketServer.close(done));
  await rm(dir, { recursive: true, force: true });
});

describe('reading an input file', () => {
  it('refuses character devices at once, also through a symlink, instead of reading them for ever', async () => {
    const started = Date.now();
    for (const [path, kind] of [['/dev/zero', 'a character device'], ['/dev/urandom', 'a character device'], [join(dir, 'zero.jpg'), 'a character device']]) {
      const error = await failure(readInputFile(path!));
      expect(isDlError(error, 'INPUT_UNSUPPORTED'), `${path}: ${error?.message}`).toBe(true);
      expect(error!.message).toBe(`${path}: is ${kind}, not a regular file; give a regular file`);
      expect((error as DlError).hint).toBeUndefined();
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a FIFO and a socket without waiting for a writer', async () => {
    const started = Date.now();
    const pipe = await failure(readInputFile(fifo('x.jpg')));
    expect(isDlError(pipe, 'INPUT_UNSUPPORTED')).toBe(true);
    expect(pipe!.message).toContain('x.jpg: is a FIFO, not a regular file');
    expect((pipe as DlError).hint).toEqual({ kind: 'use-option', option: 'allowFifo', value: true });
    const socket = await failure(readInputFile(join(dir, 'socket.jpg')));
    expect(isDlError(socket, 'INPUT_UNSUPPORTED')).toBe(true);
    expect(socket!.message).toContain('socket.jpg: is a socket, not a regular file');
    expect(isDlError(await failure(readInputFile(dir)), 'INPUT_UNREADABLE')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reads a FIFO when asked to, and gives up on a silent writer at the deadline', async () => {
    const path = fifo('asked.txt');
    const writer = spawn('sh', ['-c', `sleep 0.2; printf hello > '${path}'`]);
    expect((await readInputFile(path, { allowFifo: true, timeoutMs: 5000 })).toString()).toBe('hello');
    writer.kill();
    const silent = fifo('silent.txt');
    const reading = failure(readInputFile(silent, { allowFifo: true, timeoutMs: 300 }));
    const handle = await open(silent, 'w'); // a writer that never writes
    const started = Date.now();
    const error = await reading;
    await handle.close();
    expect(isDlError(error, 'INPUT_UNREADABLE')).toBe(true);
    expect(error!.message).toBe(`${silent}: not read within 0.3 s; check that it is a local, readable file`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('caps the bytes actually read: an endless FIFO, a sparse file and a file one byte over stop at the limit', async () => {
    const endless = fifo('endless.bin');
    const writer = spawn('sh', ['-c', `cat /dev/zero > '${endless}'`], { stdio: 'ignore' });
    const flood = await failure(readInputFile(endless, { allowFifo: true, maxBytes: 1_000_000 }));
    writer.kill();
    expect(isDlError(flood, 'INPUT_TOO_LARGE')).toBe(true);
    expect(flood!.message).toBe(`${endless}: more than the 1000000-byte limit; give a smaller input or raise the limit`);
    const sparse = join(dir, 'sparse.bin');
    await writeFile(sparse, '');
    await truncate(sparse, 4 * 1024 ** 3);
    expect(isDlError(await failure(readInputFile(sparse, 1_000_000)), 'INPUT_TOO_LARGE')).toBe(true);
    const exact = join(dir, 'exact.bin');
    await writeFile(exact, Buffer.alloc(1000, 1));
    expect((await readInputFile(exact, 1000)).length).toBe(1000);
    expect(isDlError(await failure(readInputFile(exact, 999)), 'INPUT_TOO_LARGE')).toBe(true);
  });

  it('gives up on standard input at the deadline when one is given', async () => {
    // A child process, so that its standard input is a pipe this test holds open and never writes to.
    const core = pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href;
    const script = `const { readInput } = await import(${JSON.stringify(core)}); await readInput('-', { allowStdin: true, timeoutMs: 300 }).catch((e) => { console.log(e.code, e.message); process.exit(0); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const started = Date.now();
    const code = await new Promise((done) => child.on('exit', done));
    child.stdin.destroy();
    expect(code).toBe(0);
    expect(out.trim()).toBe('INPUT_UNREADABLE standard input: not read within 0.3 s; pipe the input in, or give a file');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
