import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DlError } from '../errors.js';
import { pullHubModel, wantedHubFile } from './hub-download.js';

// An untrusted hub (or mirror) on loopback: every name it lists and every answer it gives is hostile.
// The model folder of `org/name` is DL_CACHE/hub/org/name and nothing may land anywhere else.
type Route = (res: ServerResponse, path: string) => void;
let routes: Record<string, Route>;
let requests: string[];
let endpoint: string;
let close: () => Promise<void>;
let root: string;
let cache: string;
let outside: string;

const CONFIG = Buffer.from('{"model_type": "bert"}');
const WEIGHTS = Buffer.from('onnx weights');
const sibling = (rfilename: string, bytes: Buffer) => ({
  rfilename,
  size: bytes.length,
  blobId: createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex'),
});
const json = (body: unknown) => (res: ServerResponse) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const listing = (id: string, names: Array<[string, Buffer]>) => ({ [`/api/models/${id}/revision/main`]: json({ siblings: names.map(([n, b]) => sibling(n, b)) }) });
const file = (bytes: Buffer): Route => (res) => void res.writeHead(200, { 'content-length': bytes.length }).end(bytes);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function refusal(id: string): Promise<DlError> {
  const error = await pullHubModel(id, { attempts: 1 }).then(() => undefined, (e: unknown) => e);
  expect(error, id).toBeInstanceOf(DlError);
  return error as DlError;
}

describe('hub pulls from an untrusted hub stay inside DL_CACHE/hub/<org>/<name> and are bounded', () => {
  beforeAll(async () => {
    const server = createServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname;
      requests.push(path);
      const route = routes[path] ?? Object.entries(routes).find(([p]) => p.endsWith('*') && path.startsWith(p.slice(0, -1)))?.[1];
      if (route) route(res, path);
      else res.writeHead(404).end('Entry not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dlkit-hub-'));
    cache = join(root, 'cache');
    outside = join(root, 'outside');
    mkdirSync(outside);
    process.env.DL_CACHE = cache;
    process.env.DL_HUB_ENDPOINT = endpoint;
    process.env.DL_OFFLINE = '';
    requests = [];
    routes = {};
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  afterAll(() => close());

  it('pulls a well-formed listing, following a bounded redirect to another host path', async () => {
    routes = {
      ...listing('org/name', [['config.json', CONFIG], ['onnx/model.onnx', WEIGHTS]]),
      '/org/name/resolve/main/config.json': file(CONFIG),
      '/org/name/resolve/main/onnx/model.onnx': (res) => void res.writeHead(302, { location: '/cdn/model' }).end(),
      '/cdn/model': file(WEIGHTS),
    };
    const { dir, files } = await pullHubModel('org/name');
    expect(dir).toBe(join(cache, 'hub', 'org', 'name'));
    expect(files.map((f) => f.file).sort()).toEqual(['config.json', 'onnx/model.onnx']);
    expect(filesUnder(root).sort()).toEqual([join(dir, 'config.json'), join(dir, 'onnx', 'model.onnx')]);
  });

  it('a revision other than main lands where transformers.js caches it, <org>/<name>/<revision>', async () => {
    routes = {
      '/api/models/org/name/revision/v2': json({ siblings: [sibling('config.json', CONFIG), sibling('onnx/model.onnx', WEIGHTS)] }),
      '/org/name/resolve/v2/config.json': file(CONFIG),
      '/org/name/resolve/v2/onnx/model.onnx': file(WEIGHTS),
    };
    const { dir } = await pullHubModel('org/name', { revision: 'v2' });
    expect(dir).toBe(join(cache, 'hub', 'org', 'name', 'v2'));
    expect(filesUnder(root).sort()).toEqual([join(dir, 'config.json'), join(dir, 'onnx', 'model.onnx')]);
  });

  it('a revision that is not one path part, or a dtype transformers.js has no weights for, is INVALID_ARGUMENT before any request', async () => {
    for (const [options, parameter] of [[{ revision: '../../outside' }, 'revision'], [{ revision: 'refs/pr/1' }, 'revision'], [{ dtype: 'q7' }, 'dtype'], [{ dtype: 'auto' }, 'dtype']] as const) {
      const error = await pullHubModel('org/name', options).then(() => undefined, (e: DlError) => e);
      expect(error?.code, JSON.stringify(options)).toBe('INVALID_ARGUMENT');
      expect(error?.parameter).toBe(parameter);
    }
    expect(requests).toEqual([]);
  });

  it('a listing entry that climbs out of the cache is MODEL_INVALID naming it, and nothing is written', async () => {
    const evil = `onnx/../../../../../outside/evil.onnx`;
    routes = { ...listing('org/name', [['config.json', CONFIG], ['onnx/model.onnx', WEIGHTS], [evil, WEIGHTS]]), '/*': file(WEIGHTS) };
    const error = await refusal('org/name');
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain(evil);
    expect(filesUnder(root)).toEqual([]);
    expect(requests.filter((p) => !p.startsWith('/api/'))).toEqual([]);
  });

  it('refuses every listing name that is not a plain relative path, before any download', async () => {
    const bad = ['/etc/evil.json', 'onnx\\..\\evil.onnx', 'onnx/./model.onnx', 'onnx//model.onnx', '', 'conf\x1big.json', 'x'.repeat(2_000) + '.json', 'onnx/', '..'];
    for (const name of bad) {
      routes = { ...listing('org/name', [['onnx/model.onnx', WEIGHTS], [name, CONFIG]]), '/*': file(WEIGHTS) };
      const error = await refusal('org/name');
      expect(error.code, JSON.stringify(name)).toBe('MODEL_INVALID');
      expect(wantedHubFile(name), JSON.stringify(name)).toBe(false);
    }
    expect(filesUnder(root)).toEqual([]);
  });

  it('refuses hub ids whose parts are not names, without asking the hub', async () => {
    for (const id of ['org/..', 'a/.', '../name', '.hidden/name', '-org/name', 'org/name-', 'org/na..me', 'org/na--me', 'org', 'a/b/c', 'org/' + 'n'.repeat(97), 'org/name.git']) {
      const error = await refusal(id);
      expect(error.code, id).toBe('INVALID_ARGUMENT');
      expect(error.message, id).toContain(id);
    }
    expect(requests).toEqual([]);
    expect(filesUnder(root)).toEqual([]);
  });

  it('does not write through a symlinked folder planted in the cache', async () => {
    mkdirSync(join(cache, 'hub', 'org', 'name'), { recursive: true });
    symlinkSync(outside, join(cache, 'hub', 'org', 'name', 'onnx'));
    routes = { ...listing('org/name', [['onnx/model.onnx', WEIGHTS]]), '/*': file(WEIGHTS) };
    const error = await refusal('org/name');
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/onnx\/model\.onnx.*outside/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('bounds the listing: an endless answer and a listing of too many files are MODEL_INVALID', async () => {
    routes = {
      '/api/models/org/endless/revision/main': (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, ' ');
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        res.write('{"siblings": [');
        pump();
      },
      '/api/models/org/many/revision/main': json({ siblings: Array.from({ length: 20_001 }, (_, i) => ({ rfilename: `f${i}.json` })) }),
    };
    const endless = await refusal('org/endless');
    expect(endless.code).toBe('MODEL_INVALID');
    expect(endless.message).toMatch(/bytes/);
    const many = await refusal('org/many');
    expect(many.code).toBe('MODEL_INVALID');
    expect(many.message).toMatch(/20001 files/);
  }, 20_000);

  it('bounds redirects and the bytes of a file: a redirect loop and an endless file are refused', async () => {
    routes = {
      ...listing('org/loop', [['onnx/model.onnx', WEIGHTS]]),
      '/org/loop/resolve/main/onnx/model.onnx': (res) => void res.writeHead(302, { location: '/org/loop/resolve/main/onnx/model.onnx' }).end(),
    };
    expect((await refusal('org/loop')).message).toMatch(/redirect/);
    expect(requests.filter((p) => p.endsWith('model.onnx')).length).toBeLessThanOrEqual(6);
    routes = {
      ...listing('org/endless', [['onnx/model.onnx', WEIGHTS]]),
      '/org/endless/resolve/main/onnx/model.onnx': (res) => {
        res.writeHead(200);
        const pump = () => {
          while (res.write(Buffer.alloc(64 * 1024)));
        };
        res.on('drain', pump);
        pump();
      },
    };
    const endless = await refusal('org/endless');
    expect(endless.code).toBe('MODEL_INVALID');
    expect(filesUnder(root)).toEqual([]);
  }, 20_000);

  it('a DL_CACHE that is a file is INVALID_ARGUMENT naming DL_CACHE', async () => {
    mkdirSync(root, { recursive: true });
    writeFileSync(cache, 'not a folder');
    routes = { ...listing('org/name', [['onnx/model.onnx', WEIGHTS]]), '/*': file(WEIGHTS) };
    const error = await refusal('org/name');
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`DL_CACHE (${cache})`);
  });
});
