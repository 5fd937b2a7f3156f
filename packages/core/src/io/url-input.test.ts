import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isDlError, type DlError } from '../errors.js';
import { readInput, readInputStream } from './inputs.js';
import { checkedAddresses } from './url-input.js';

// A real HTTP server on loopback that counts every connection made to it: a refused URL must make none.
let server: Server;
let base: string;
let port: number;
let connections = 0;
const body = Buffer.from('a photo');

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/photo.jpg') return void res.end(body);
    if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    res.writeHead(404).end();
  });
  server.on('connection', () => connections++);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterEach(() => {
  delete process.env.DL_ALLOW_HOSTS;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: DlError) => e);

describe('URL inputs are opt-in, and private hosts a second opt-in', () => {
  it('without allowUrls a URL is INPUT_UNSUPPORTED with a hint, and the server sees no connection', async () => {
    const before = connections;
    const error = await failure(readInput(`${base}/photo.jpg`));
    expect(isDlError(error, 'INPUT_UNSUPPORTED')).toBe(true);
    expect(error!.message).toBe(`${base}/photo.jpg: URL inputs are not fetched unless the caller allows them`);
    expect(error!.hint).toEqual({ kind: 'use-option', option: 'allowUrls', value: true });
    const streamed = await failure((async () => {
      for await (const _ of readInputStream(`${base}/photo.jpg`)) throw new Error('read a chunk');
    })());
    expect(isDlError(streamed, 'INPUT_UNSUPPORTED')).toBe(true);
    expect(connections).toBe(before);
  });

  it('with allowUrls but not allowPrivateHosts, loopback is refused before connecting (by IP and by a name that resolves to it)', async () => {
    const before = connections;
    const byIp = await failure(readInput(`${base}/photo.jpg`, { allowUrls: true }));
    expect(isDlError(byIp, 'INPUT_UNSUPPORTED')).toBe(true);
    expect(byIp!.message).toBe(`${base}/photo.jpg: refused: 127.0.0.1 is a loopback address, and private hosts are not allowed`);
    expect(byIp!.hint).toEqual({ kind: 'use-option', option: 'allowPrivateHosts', value: true });
    // 'localhost' is a name: refused for what it resolves to, not for how it is spelt.
    const byName = await failure(readInput(`http://localhost:${port}/photo.jpg`, { allowUrls: true }));
    expect(isDlError(byName, 'INPUT_UNSUPPORTED')).toBe(true);
    expect(byName!.message).toMatch(new RegExp(`^http://localhost:${port}/photo.jpg: refused: localhost resolves to (127\\.0\\.0\\.1|::1), a loopback address`));
    // The same host in the other spellings the URL parser accepts.
    for (const spelt of [`http://2130706433:${port}/photo.jpg`, `http://0x7f.1:${port}/photo.jpg`, `http://[::ffff:127.0.0.1]:${port}/photo.jpg`]) {
      expect(isDlError(await failure(readInput(spelt, { allowUrls: true })), 'INPUT_UNSUPPORTED'), spelt).toBe(true);
    }
    expect(connections).toBe(before);
  });

  it('with allowUrls and allowPrivateHosts, the loopback server is read, by IP and by name (connecting to the addresses checked)', async () => {
    expect(await readInput(`${base}/photo.jpg`, { allowUrls: true, allowPrivateHosts: true })).toEqual(body);
    expect(await readInput(`http://localhost:${port}/photo.jpg`, { allowUrls: true, allowPrivateHosts: true })).toEqual(body);
  });

  it('checks every redirect hop: a listed host that redirects to the metadata service is refused', async () => {
    // 127.0.0.1 is on DL_ALLOW_HOSTS (so allowed although loopback); the metadata service it points at is not.
    process.env.DL_ALLOW_HOSTS = `127.0.0.1:${port}`;
    const error = await failure(readInput(`${base}/to-metadata`, { allowUrls: true }));
    expect(isDlError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error!.message).toMatch(/redirects to host 169\.254\.169\.254, which is not an allowed host/);
    // With no list, each hop's address is checked as the first one is: the metadata service is refused outright.
    delete process.env.DL_ALLOW_HOSTS;
    const signal = AbortSignal.timeout(5000);
    const hop = await failure(checkedAddresses(new URL('http://169.254.169.254/latest/meta-data/'), {}, undefined, signal));
    expect(isDlError(hop, 'INPUT_UNSUPPORTED')).toBe(true);
    expect(hop!.message).toBe('http://169.254.169.254/latest/meta-data/: refused: 169.254.169.254 is a link-local address, and private hosts are not allowed');
    // A listed host is the operator's choice, private or not; a public literal needs no lookup.
    expect(await checkedAddresses(new URL('http://10.1.2.3/x'), {}, new Set(['10.1.2.3']), signal)).toBeUndefined();
    expect(await checkedAddresses(new URL('http://93.184.216.34/x'), {}, undefined, signal)).toBeUndefined();
    const resolved = await checkedAddresses(new URL('http://localhost/x'), { allowPrivateHosts: true }, undefined, signal);
    expect(resolved!.length).toBeGreaterThan(0);
  });
});
