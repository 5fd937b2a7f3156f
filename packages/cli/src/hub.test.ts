import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { runDl } from './run-dl.test-helpers.js';

// The hub path, tested for real on loopback: an HTTP server with the Hugging Face hub's file layout
// (/api/models/<id>/revision/<rev>?blobs=true and /<id>/resolve/<rev>/<file>) serving the tiny random-weight
// fixtures in transformers.js's layout. Wiring only: the models know nothing.
const REPOS: Record<string, string> = {
  'dlkit-test/tiny-bert': fileURLToPath(new URL('../../nlp/src/classify/fixtures/tiny-bert', import.meta.url)),
  'dlkit-test/tiny-bart': fileURLToPath(new URL('../../nlp/src/summarize/fixtures/tiny-bart', import.meta.url)),
  'dlkit-test/tiny-whisper': fileURLToPath(new URL('../../speech/src/transcribe/fixtures/tiny-whisper', import.meta.url)),
};

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).map((f) => f.split('\\').join('/'));
}

interface Hub {
  url: string;
  requests: Array<{ path: string; range: string | undefined }>;
  /** Files whose next download stops half-way (connection dropped). */
  dropOnce: Set<string>;
  /** Files served with one byte changed. */
  corrupt: Set<string>;
  /** Listings served as given (a hostile hub), by id; their files are all served as `x`. */
  listings: Record<string, unknown>;
  close(): Promise<void>;
}

async function startHub(): Promise<Hub> {
  const hub = { requests: [], dropOnce: new Set<string>(), corrupt: new Set<string>(), listings: {} } as unknown as Hub;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    hub.requests.push({ path: url.pathname, range: req.headers.range });
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/main$/.exec(url.pathname);
    if (api && hub.listings[api[1]!]) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(hub.listings[api[1]!]));
    if (/^\/[^/]+\/[^/]+\/resolve\//.test(url.pathname) && hub.listings[url.pathname.split('/').slice(1, 3).join('/')]) return void res.end('x');
    if (api) {
      const dir = REPOS[api[1]!];
      if (!dir) return void res.writeHead(404).end('{"error":"Repository not found"}');
      const siblings = listFiles(dir).map((rfilename) => {
        const bytes = readFileSync(join(dir, rfilename));
        const blobId = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
        const lfs = rfilename.endsWith('.onnx') ? { lfs: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length } } : {};
        return { rfilename, size: bytes.length, blobId, ...lfs };
      });
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: api[1], siblings }));
    }
    const file = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    const dir = file && REPOS[file[1]!];
    if (!file || !dir || !existsSync(join(dir, file[2]!))) return void res.writeHead(404).end('Entry not found');
    let bytes = readFileSync(join(dir, file[2]!));
    if (hub.corrupt.has(file[2]!)) (bytes = Buffer.from(bytes))[bytes.length >> 1] ^= 0xff;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, { 'content-length': bytes.length - start, ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}) });
    if (hub.dropOnce.delete(file[2]!)) {
      res.write(bytes.subarray(start, start + ((bytes.length - start) >> 1)));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.end(bytes.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = () => new Promise((resolve) => server.close(() => resolve()));
  return hub;
}

/** The CLI, spawned without blocking: the hub answers from this process's event loop. */
const dl = (args: string[], env: Record<string, string>, input = '') => runDl(args, { env, input, timeoutMs: 60_000 });
const FSDD = testDataset('fsdd');

describe('hub models over a loopback hub (tiny random-weight fixtures, wiring only)', () => {
  let hub: Hub;
  let cache: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    hub = await startHub();
    cache = mkdtempSync(join(tmpdir(), 'dl-hub-cache-'));
    env = { DL_HUB_ENDPOINT: hub.url, DL_CACHE: cache, DL_OFFLINE: '' };
  });
  afterAll(async () => {
    await hub.close();
    rmSync(cache, { recursive: true, force: true });
  });

  it('pull: resumes a dropped download with a range request and checks every file against the hub', async () => {
    hub.dropOnce.add('onnx/model.onnx');
    const r = await dl(['models', 'pull', '--json', 'dlkit-test/tiny-bert', '--task', 'text-classification'], env);
    expect(r.code, r.stderr).toBe(0);
    const { output } = JSON.parse(r.stdout);
    const dir = join(cache, 'hub', 'dlkit-test', 'tiny-bert');
    expect(output.dir).toBe(dir);
    expect(output.files.map((f: { file: string }) => f.file).sort()).toEqual(listFiles(REPOS['dlkit-test/tiny-bert']!).sort());
    expect(output.files.find((f: { file: string }) => f.file === 'onnx/model.onnx')).toMatchObject({ status: 'resumed', verified: expect.stringMatching(/^sha256:/) });
    expect(output.files.find((f: { file: string }) => f.file === 'config.json')).toMatchObject({ status: 'downloaded', verified: expect.stringMatching(/^git-sha1:/) });
    const model = hub.requests.filter((q) => q.path.endsWith('/onnx/model.onnx'));
    expect(model).toHaveLength(2);
    expect(model[1]!.range).toMatch(/^bytes=\d+-$/);
    for (const f of listFiles(dir)) expect(readFileSync(join(dir, f))).toEqual(readFileSync(join(REPOS['dlkit-test/tiny-bert']!, f)));

    // A second pull checks what is there and downloads nothing.
    const before = hub.requests.length;
    const again = await dl(['models', 'pull', '--json', 'dlkit-test/tiny-bert', '--task', 'text-classification'], env);
    expect(JSON.parse(again.stdout).output.files.every((f: { status: string }) => f.status === 'cached')).toBe(true);
    expect(hub.requests.slice(before).every((q) => q.path.startsWith('/api/'))).toBe(true);
  });

  it('the pulled model then runs with DL_OFFLINE=1 by its hub id, with no request to the hub', async () => {
    const before = hub.requests.length;
    const r = await dl(['nlp', 'classify', '--json', '--model', 'dlkit-test/tiny-bert', '--text', 'a great movie'], { ...env, DL_OFFLINE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).output).toEqual([{ label: 'POSITIVE', score: expect.any(Number) }]);
    expect(hub.requests.length).toBe(before);
  });

  it('a seq2seq summarizer (encoder + merged decoder) pulls and then summarizes offline by its hub id', async () => {
    const pull = await dl(['models', 'pull', '--json', 'dlkit-test/tiny-bart', '--task', 'summarization'], env);
    expect(pull.code, pull.stderr).toBe(0);
    expect(JSON.parse(pull.stdout).output.files.map((f: { file: string }) => f.file).sort()).toEqual(listFiles(REPOS['dlkit-test/tiny-bart']!).sort());
    const before = hub.requests.length;
    const r = await dl(['nlp', 'summarize', '--json', '--model', 'dlkit-test/tiny-bart', '--min-length', '1', '-'], { ...env, DL_OFFLINE: '1' }, 'The cat sat on the mat.\n');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).output).toEqual([{ summary_text: 'cat mat sat' }]);
    expect(hub.requests.length).toBe(before);
  });

  it.skipIf(!FSDD)('a Whisper model pulls and then transcribes offline by its hub id, with timestamps', async () => {
    const pull = await dl(['models', 'pull', '--json', 'dlkit-test/tiny-whisper', '--task', 'automatic-speech-recognition'], env);
    expect(pull.code, pull.stderr).toBe(0);
    const before = hub.requests.length;
    const wav = join(FSDD!, 'recordings', '6_lucas_1.wav');
    const r = await dl(['speech', 'transcribe', '--json', '--model', 'dlkit-test/tiny-whisper', wav], { ...env, DL_OFFLINE: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).output).toMatchObject({ text: 'speech', chunks: [{ timestamp: [expect.any(Number), expect.any(Number)], text: 'speech' }] });
    expect(hub.requests.length).toBe(before);
  });

  it('a file that does not match its hash is deleted and the pull fails MODEL_INVALID; an unknown id is MODEL_NOT_FOUND', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'dl-hub-cache-'));
    try {
      hub.corrupt.add('onnx/model.onnx');
      const r = await dl(['models', 'pull', 'dlkit-test/tiny-bert', '--task', 'text-classification'], { ...env, DL_CACHE: fresh });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(/^dl: MODEL_INVALID: onnx\/model.onnx of dlkit-test\/tiny-bert does not match the hub's sha256/m);
      const left = listFiles(fresh).map((f) => relative(fresh, join(fresh, f)));
      expect(left.filter((f) => f.includes('model.onnx'))).toEqual([]);
      const missing = await dl(['models', 'pull', 'dlkit-test/nothing', '--task', 'text-classification'], { ...env, DL_CACHE: fresh });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('MODEL_NOT_FOUND');
      const offline = await dl(['models', 'pull', 'dlkit-test/tiny-bert', '--task', 'text-classification'], { ...env, DL_CACHE: fresh, DL_OFFLINE: '1' });
      expect(offline.stderr).toContain('MODEL_OFFLINE');
    } finally {
      hub.corrupt.clear();
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('a listing naming a file outside the cache: pull exits 1 with one MODEL_INVALID line and writes nothing', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'dl-hub-evil-'));
    try {
      // From DL_CACHE/hub/evil/traversal, five '..' lead out of DL_CACHE into `fresh`.
      const evil = 'onnx/../../../../../evil.onnx';
      hub.listings['evil/traversal'] = { siblings: [{ rfilename: 'config.json', size: 1 }, { rfilename: 'onnx/model.onnx', size: 1 }, { rfilename: evil, size: 1 }] };
      const before = hub.requests.length;
      const r = await dl(['models', 'pull', 'evil/traversal', '--task', 'text-classification'], { ...env, DL_CACHE: join(fresh, 'cache') });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^dl: MODEL_INVALID: The hub's answer for evil\/traversal [^\n]*"onnx\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/evil\.onnx"[^\n]*\n$/);
      expect(listFiles(fresh)).toEqual([]);
      expect(hub.requests.slice(before).map((q) => q.path)).toEqual(['/api/models/evil/traversal/revision/main']);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("hub ids whose parts are '.' or '..' are refused before any request", async () => {
    const before = hub.requests.length;
    for (const id of ['org/..', 'a/.', '.x/name']) {
      const r = await dl(['models', 'pull', id, '--task', 'text-classification'], env);
      expect(r.code, id).toBe(1);
      expect(r.stderr, id).toMatch(/^dl: (MODEL_NOT_FOUND|INVALID_ARGUMENT): [^\n]+\n$/);
    }
    expect(hub.requests.length).toBe(before);
    expect(readdirSync(join(cache, 'hub')).sort()).toEqual(['dlkit-test']);
  });

  it('a DL_CACHE that is a file is one INVALID_ARGUMENT line naming DL_CACHE, for pull and for a hub model run', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'dl-hub-file-'));
    try {
      const file = join(fresh, 'cache-file');
      writeFileSync(file, 'not a folder');
      const pull = await dl(['models', 'pull', 'dlkit-test/tiny-bert', '--task', 'text-classification'], { ...env, DL_CACHE: file });
      expect(pull.code).toBe(1);
      expect(pull.stderr).toMatch(/^dl: INVALID_ARGUMENT: DL_CACHE \([^)]*cache-file\) cannot hold the cache[^\n]*\n$/);
      const run = await dl(['nlp', 'classify', '--model', 'dlkit-test/tiny-bert', '--text', 'a great movie'], { ...env, DL_CACHE: file });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^dl: INVALID_ARGUMENT: DL_CACHE [^\n]*\n$/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
