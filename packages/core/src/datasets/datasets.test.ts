import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isDlError, type DlError } from '../errors.js';
import { testDataset } from '../testing.js';
import { pullEntry } from './ensure.js';
import { localDataset, locateEntry, treeHash } from './local.js';
import { DATASETS, datasetEntry, parseDatasetRef, type DatasetEntry } from './registry.js';
import { loadDatasetSplit } from './load.js';

describe('the data-set registry', () => {
  it('names every set once, with plain folders, https or http URLs, a licence and splits whose paths stay inside the folder', () => {
    expect(new Set(DATASETS.map((d) => d.name)).size).toBe(DATASETS.length);
    for (const entry of DATASETS) {
      expect(entry.dir, entry.name).toMatch(/^[a-z0-9-]+(\/[a-z0-9-]+)*$/);
      expect(entry.licence.length, entry.name).toBeGreaterThan(3);
      expect(entry.content.sha256, entry.name).toMatch(/^[0-9a-f]{64}$/);
      for (const source of entry.sources) expect(new URL(source.url).protocol).toMatch(/^https?:$/);
      for (const [split, data] of Object.entries(entry.splits)) {
        for (const value of Object.values(data)) if (typeof value === 'string') expect(value, `${entry.name}:${split}`).not.toMatch(/^\/|\.\./);
      }
    }
  });

  it("defines the tree hash as sha256 over sorted 'path\\0sha256\\n' lines (MNIST's from TensorFlow Datasets' sha256s)", () => {
    const mnist = datasetEntry('mnist');
    const files = mnist.sources.map((s) => [s.url.slice(s.url.lastIndexOf('/') + 1), s.sha256!] as const);
    expect(treeHash(files)).toBe(mnist.content.sha256);
    expect(treeHash([...files].reverse())).toBe(mnist.content.sha256);
  });

  it('parses name:split references; an unknown name or split is INVALID_ARGUMENT (parameter dataset) with a did-you-mean', () => {
    expect(parseDatasetRef('mnist:test')).toEqual({ name: 'mnist', split: 'test' });
    expect(parseDatasetRef('iris')).toEqual({ name: 'iris' });
    for (const [ref, near] of [['fashon-mnist', 'fashion-mnist'], ['mnist:tset', 'mnist:test']] as const) {
      const error = (() => {
        try {
          parseDatasetRef(ref);
        } catch (e) {
          return e as DlError;
        }
      })();
      expect(error?.code, ref).toBe('INVALID_ARGUMENT');
      expect(error?.parameter).toBe('dataset');
      expect(error?.hint).toEqual({ kind: 'did-you-mean', value: near });
    }
    expect(() => parseDatasetRef('nope')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', hint: undefined }));
  });

  it('a split whose loader is not registered names the package to import (mnist-idx: @dlkit/vision, text-polarity: @dlkit/nlp)', async () => {
    const error = await loadDatasetSplit('fashion-mnist:test').then(() => undefined, (e: DlError) => e);
    expect(error?.code).toBe('INVALID_ARGUMENT');
    expect(error?.message).toContain("import '@dlkit/vision'");
    const text = await loadDatasetSplit('rt-polarity:test').then(() => undefined, (e: DlError) => e);
    expect(text?.message).toMatch(/No loader is registered for the 'text-polarity' data of rt-polarity:test: import '@dlkit\/nlp' first/);
    expect(text?.hint).toEqual({ kind: 'install', what: '@dlkit/nlp' });
  });
});

// Real data through DL_DATA_MIRROR (../shared/data and Debian's packages here); each case skips when its set is absent.
describe('local copies: mirrors and system packages, verified once', () => {
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'dlkit-datasets-'));
    process.env.DL_CACHE = cache;
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  const rt = testDataset('rt-polarity');
  it.skipIf(!rt)('finds rt-polarity in the mirror, checks its tree and stamps it in DL_CACHE/datasets/.verified (the mirror is not written)', () => {
    expect(localDataset('rt-polarity')).toBe(rt);
    expect(readdirSync(join(cache, 'datasets', '.verified'))).toHaveLength(1);
    expect(localDataset('rt-polarity')).toBe(rt);
  });

  it.skipIf(!rt)('a mirror copy with one changed file is DATASET_INVALID naming that file, with a hint to pull the set', () => {
    const mirror = join(cache, 'mirror');
    cpSync(rt!, join(mirror, 'rt-polarity'), { recursive: true });
    writeFileSync(join(mirror, 'rt-polarity', 'rt-polarity.neg'), 'tampered\n');
    const error = (() => {
      try {
        locateEntry(datasetEntry('rt-polarity'), { ...process.env, DL_DATA_MIRROR: mirror });
      } catch (e) {
        return e as DlError;
      }
    })();
    expect(error?.code).toBe('DATASET_INVALID');
    expect(error?.message).toContain('rt-polarity.neg');
    expect(error?.hint).toEqual({ kind: 'pull-dataset', dataset: 'rt-polarity' });
  });

  const fashion = testDataset('fashion-mnist');
  it.skipIf(!fashion)("accepts Debian's fashion-mnist (gzip headers rewritten) as the registry's equivalent tree", () => {
    expect(localDataset('fashion-mnist')).toBe(fashion);
  });

  const iris = testDataset('iris');
  it.skipIf(!iris)('iris:train and iris:test are a seeded stratified 80/20 cut of the real table: 120 and 30 rows, 10 of each species held out, none in both', async () => {
    const [train, test] = await Promise.all([loadDatasetSplit('iris:train'), loadDatasetSplit('iris:test')]);
    expect([train.dataset.size, test.dataset.size]).toEqual([120, 30]);
    expect(test.dataset.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([0, 1, 2].map((c) => test.dataset.labels.filter((l) => l === c).length)).toEqual([10, 10, 10]);
    const rows = async (d: typeof train.dataset) => {
      const flat = await d.read(Array.from({ length: d.size }, (_, i) => i));
      return Array.from({ length: d.size }, (_, i) => `${Array.from(flat.subarray(i * 4, i * 4 + 4)).join()}:${d.labels[i]}`);
    };
    const seen = new Set(await rows(train.dataset));
    // iris has one duplicated flower (rows 102 and 143): it may sit on both sides, nothing else may.
    expect((await rows(test.dataset)).filter((r) => seen.has(r)).length).toBeLessThanOrEqual(1);
    expect((await loadDatasetSplit('iris:test')).dataset.labels).toEqual(test.dataset.labels);
  });

  it.skipIf(!iris)("finds iris in python3-sklearn's folder, checking only its own file there", () => {
    expect(locateEntry(datasetEntry('iris'), { ...process.env, DL_DATA_MIRROR: '' })).toMatchObject({ where: 'packaged', package: 'python3-sklearn' });
  });
});

// A data-set host on loopback serving the real rt-polarity files (read from the mirror), or hostile answers.
const RT = testDataset('rt-polarity');
const MIRROR = process.env.DL_DATA_MIRROR;
describe.skipIf(!RT)('downloads into DL_CACHE/datasets: resumable, checked, bounded', () => {
  type Route = (req: IncomingMessage, res: ServerResponse) => void;
  let routes: Record<string, Route>;
  let requests: Array<{ path: string; range: string | undefined }>;
  let endpoint: string;
  let close: () => Promise<void>;
  let cache: string;
  const pos = readFileSync(join(RT ?? '', 'rt-polarity.pos'));
  const neg = readFileSync(join(RT ?? '', 'rt-polarity.neg'));
  const serve = (bytes: Buffer): Route => (req, res) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) return void res.writeHead(206, { 'content-length': bytes.length - Number(range[1]) }).end(bytes.subarray(Number(range[1])));
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  };
  /** The registry's rt-polarity, its sources served from the loopback host. */
  const entry = (): DatasetEntry => {
    const real = datasetEntry('rt-polarity');
    return { ...real, sources: real.sources.map((s) => ({ ...s, url: `${endpoint}/${s.file}` })) };
  };
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => (isDlError(e) ? e : Promise.reject(e)));

  beforeAll(async () => {
    const server = createServer((req, res) => {
      requests.push({ path: req.url!, range: req.headers.range });
      (routes[req.url!] ?? ((_, r) => void r.writeHead(404).end()))(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  });
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'dlkit-datasets-'));
    process.env.DL_CACHE = cache;
    process.env.DL_OFFLINE = '';
    process.env.DL_DATA_MIRROR = ''; // the set must come from the loopback host, not the mirror it was read from
    routes = { '/rt-polarity.pos': serve(pos), '/rt-polarity.neg': serve(neg) };
    requests = [];
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));
  afterAll(() => {
    process.env.DL_DATA_MIRROR = MIRROR;
    return close();
  });

  const dir = () => join(cache, 'datasets', 'rt-polarity');

  it('downloads the real files, checks them, and renames the folder into the cache; the next pull is local, without a request', async () => {
    const pulled = await pullEntry(entry(), {});
    expect(pulled).toMatchObject({ dir: dir(), where: 'cache', status: 'downloaded' });
    expect(readFileSync(join(dir(), 'rt-polarity.pos')).equals(pos)).toBe(true);
    expect(readdirSync(join(cache, 'datasets')).sort()).toEqual(['.verified', 'rt-polarity']);
    requests = [];
    expect((await pullEntry(entry(), {})).status).toBe('local');
    expect(requests).toEqual([]);
  });

  it('resumes an interrupted download with a range request from the bytes on disk', async () => {
    const staging = join(cache, 'datasets', '.partial', 'rt-polarity');
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, '0-rt-polarity.pos.part'), pos.subarray(0, 1000));
    await pullEntry(entry(), {});
    expect(requests.find((r) => r.path === '/rt-polarity.pos')?.range).toBe('bytes=1000-');
    expect(readFileSync(join(dir(), 'rt-polarity.pos')).equals(pos)).toBe(true);
  });

  it('a sha256 mismatch deletes the file and downloads it once more; a second mismatch is DATASET_INVALID and nothing stays', async () => {
    let served = 0;
    const corrupt = Buffer.from(pos);
    corrupt[10] = corrupt[10]! ^ 1;
    routes['/rt-polarity.pos'] = (req, res) => serve(served++ === 0 ? corrupt : pos)(req, res);
    expect((await pullEntry(entry(), {})).status).toBe('downloaded');
    expect(served).toBe(2);
    rmSync(cache, { recursive: true, force: true });
    routes['/rt-polarity.pos'] = serve(corrupt);
    const error = await failure(pullEntry(entry(), {}));
    expect(error?.code).toBe('DATASET_INVALID');
    expect(error?.message).toMatch(/rt-polarity\.pos.*sha256/);
    expect(existsSync(dir())).toBe(false);
    expect(readdirSync(join(cache, 'datasets', '.partial', 'rt-polarity'))).toEqual([]);
  });

  it('a redirect loop is DATASET_OFFLINE after a bounded number of redirects; an answer past the size is DATASET_INVALID, deleted', async () => {
    routes['/rt-polarity.pos'] = (_, res) => void res.writeHead(302, { location: '/rt-polarity.pos' }).end();
    const loop = await failure(pullEntry(entry(), {}));
    expect(loop?.code).toBe('DATASET_OFFLINE');
    expect(loop?.message).toMatch(/redirect/);
    expect(requests.filter((r) => r.path === '/rt-polarity.pos').length).toBeLessThanOrEqual(3 * 6);
    routes['/rt-polarity.pos'] = (_, res) => void res.writeHead(200).end(Buffer.concat([pos, pos]));
    const big = await failure(pullEntry(entry(), {}));
    expect(big?.code).toBe('DATASET_INVALID');
    expect(big?.message).toMatch(/more than the 626395 bytes/);
    expect(existsSync(join(cache, 'datasets', '.partial', 'rt-polarity', '0-rt-polarity.pos.part'))).toBe(false);
  });

  it('offline (DL_OFFLINE=1) or unreachable, a set that is not local is DATASET_OFFLINE with a hint to pull it', async () => {
    process.env.DL_OFFLINE = '1';
    const offline = await failure(pullEntry(entry(), {}));
    expect(offline).toMatchObject({ code: 'DATASET_OFFLINE', hint: { kind: 'pull-dataset', dataset: 'rt-polarity' } });
    expect(requests).toEqual([]);
    process.env.DL_OFFLINE = '';
    const real = datasetEntry('rt-polarity');
    const unreachable = await failure(pullEntry({ ...real, sources: real.sources.map((s) => ({ ...s, url: 'http://127.0.0.1:9/x' })) }, {}));
    expect(unreachable?.code).toBe('DATASET_OFFLINE');
  });

  it('a corrupt cached copy is DATASET_INVALID naming the file; a pull deletes it and fetches the set again', async () => {
    await pullEntry(entry(), {});
    writeFileSync(join(dir(), 'rt-polarity.neg'), 'tampered\n');
    expect(() => locateEntry(entry())).toThrow(/rt-polarity\.neg/);
    const again = await pullEntry(entry(), {});
    expect(again.status).toBe('downloaded');
    expect(again.replaced).toMatch(/rt-polarity\.neg/);
    expect(readFileSync(join(dir(), 'rt-polarity.neg')).equals(neg)).toBe(true);
  });

  it('a link in the cache where the set belongs is refused (DATASET_INVALID), never followed', () => {
    mkdirSync(join(cache, 'datasets'), { recursive: true });
    symlinkSync(RT!, dir());
    expect(() => locateEntry(entry())).toThrow(/is a link/);
  });

  it('unpacks a tar.gz of the real files (strip 1, regular files only, other files left out) and refuses a name that climbs out', async () => {
    const work = join(cache, 'work');
    mkdirSync(join(work, 'rt-polaritydata'), { recursive: true });
    for (const [name, bytes] of [['rt-polarity.pos', pos], ['rt-polarity.neg', neg], ['README', Buffer.from('x')]] as const) writeFileSync(join(work, 'rt-polaritydata', name), bytes);
    symlinkSync('/etc/passwd', join(work, 'rt-polaritydata', 'link'));
    const tar = (...args: string[]) => (execFileSync('tar', ['-czf', join(work, 'a.tgz'), '-C', work, ...args]), readFileSync(join(work, 'a.tgz')));
    const archive = tar('rt-polaritydata');
    routes['/archive.tar.gz'] = serve(archive);
    const tarEntry = (): DatasetEntry => ({ ...datasetEntry('rt-polarity'), sources: [{ url: `${endpoint}/archive.tar.gz`, unpack: 'tar.gz', strip: 1 }] });
    await pullEntry(tarEntry(), {});
    expect(readdirSync(dir()).sort()).toEqual(['rt-polarity.neg', 'rt-polarity.pos']);
    rmSync(join(cache, 'datasets'), { recursive: true });
    const evil = tar('--transform', 's,^rt-polaritydata/README,x/../../evil,', 'rt-polaritydata/README', 'rt-polaritydata/rt-polarity.pos');
    routes['/archive.tar.gz'] = serve(evil);
    const error = await failure(pullEntry(tarEntry(), {}));
    expect(error?.code).toBe('DATASET_INVALID');
    expect(error?.message).toMatch(/outside its folder/);
    expect(existsSync(join(cache, 'evil'))).toBe(false);
    expect(existsSync(join(cache, 'datasets', 'evil'))).toBe(false);
  });
});
