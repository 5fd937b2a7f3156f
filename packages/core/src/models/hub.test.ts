import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isDlError, type DlError } from '../errors.js';
import { loadHubPipeline, loadTransformers, type HubPipeline, type Transformers } from './hub.js';

// A tiny hand-set "BERT" in transformers.js's layout (made by packages/nlp/scripts/make-tiny-bert.py): wiring only.
const TINY = fileURLToPath(new URL('./fixtures/tiny-bert', import.meta.url));
const TASK = 'text-classification';

let cache: string;
let hub: Server;
/** Every request the stand-in hub received: a load that must stay offline makes none. */
const requests: string[] = [];
let t: Transformers;
let envBefore: string;
const saved = { ...process.env };

/** transformers.js's settings, as a comparable string (its `backends` holds onnxruntime objects: left out). */
const envNow = () => JSON.stringify(Object.fromEntries(Object.entries(t.env).filter(([key]) => key !== 'backends')));
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: DlError) => e);

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'dlkit-hub-'));
  // A stand-in hub on loopback serving the fixture as test-org/served.
  hub = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const file = /^\/test-org\/served\/resolve\/main\/([\w./-]+)$/.exec(req.url ?? '')?.[1];
    if (file === undefined || file.includes('..')) return void res.writeHead(404).end();
    readFile(join(TINY, file)).then((bytes) => res.end(bytes), () => res.writeHead(404).end());
  });
  await new Promise<void>((ready) => hub.listen(0, '127.0.0.1', ready));
  process.env.DL_CACHE = cache;
  process.env.DL_HUB_ENDPOINT = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  // Imported once (it sets its cache and hub there, once); every load after must leave `env` as it is.
  t = await loadTransformers();
  envBefore = envNow();
  await cp(TINY, join(cache, 'hub', 'test-org', 'cached'), { recursive: true });
  // Only the 8-bit weights: a load that honours dtype 'q8' finds them, one that ignores it looks for model.onnx.
  await mkdir(join(cache, 'hub', 'test-org', 'only-q8', 'onnx'), { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) await cp(join(TINY, f), join(cache, 'hub', 'test-org', 'only-q8', f));
  await cp(join(TINY, 'onnx', 'model.onnx'), join(cache, 'hub', 'test-org', 'only-q8', 'onnx', 'model_quantized.onnx'));
});
afterEach(() => {
  process.env = { ...saved, DL_CACHE: cache, DL_HUB_ENDPOINT: process.env.DL_HUB_ENDPOINT };
  expect(envNow()).toBe(envBefore);
});
afterAll(async () => {
  process.env = saved;
  await new Promise((done) => hub.close(done));
  await rm(cache, { recursive: true, force: true });
});

async function classify(pipeline: HubPipeline, text: string): Promise<unknown> {
  try {
    return await pipeline(text);
  } finally {
    await pipeline.dispose();
  }
}

describe('hub pipelines, loaded without touching transformers.js settings', () => {
  it('offline, a cached hub id loads from DL_CACHE/hub with no request to the hub and env unchanged', async () => {
    process.env.DL_OFFLINE = '1';
    const before = requests.length;
    const pipeline = await loadHubPipeline(TASK, { kind: 'hub', id: 'test-org/cached' });
    expect(await classify(pipeline, 'The movie was great!')).toEqual([{ label: 'POSITIVE', score: expect.closeTo(0.9526, 3) }]);
    expect(requests.slice(before)).toEqual([]);
    expect(envNow()).toBe(envBefore);
  });

  it('offline, an uncached hub id is MODEL_OFFLINE with a pull-model hint and no command in the message', async () => {
    process.env.DL_OFFLINE = '1';
    const before = requests.length;
    const error = await failure(loadHubPipeline(TASK, { kind: 'hub', id: 'test-org/absent' }));
    expect(isDlError(error, 'MODEL_OFFLINE')).toBe(true);
    expect(error!.hint).toEqual({ kind: 'pull-model', model: 'test-org/absent', task: TASK });
    expect(error!.message).toBe(`Hub model test-org/absent is not in the cache (${join(cache, 'hub', 'test-org', 'absent')}), and DL_OFFLINE=1 keeps the network off`);
    expect(error!.message).not.toMatch(/`dl |--[a-z]/);
    expect(requests.slice(before)).toEqual([]);
  });

  it('a local folder in transformers.js layout loads with no request to the hub', async () => {
    const before = requests.length;
    expect(await classify(await loadHubPipeline(TASK, { kind: 'local', path: TINY }), 'an awful movie')).toEqual([{ label: 'NEGATIVE', score: expect.any(Number) }]);
    expect(requests.slice(before)).toEqual([]);
  });

  it('dtype is honoured: 8-bit-only weights load with q8 and are missing without it', async () => {
    const missing = await failure(loadHubPipeline(TASK, { kind: 'hub', id: 'test-org/only-q8' }, { cacheOnly: true }));
    expect(isDlError(missing, 'MODEL_OFFLINE')).toBe(true);
    expect(missing!.message).toMatch(/^Hub model test-org\/only-q8 is not complete in the cache \(.*\): .*onnx\/model\.onnx/);
    const q8 = await loadHubPipeline(TASK, { kind: 'hub', id: 'test-org/only-q8' }, { cacheOnly: true, dtype: 'q8', device: 'cpu' });
    expect(await classify(q8, 'The movie was great!')).toEqual([{ label: 'POSITIVE', score: expect.any(Number) }]);
  });

  it('a dtype, device or revision transformers.js does not take is INVALID_ARGUMENT naming it, before any load', async () => {
    const reference = { kind: 'hub', id: 'test-org/cached' } as const;
    for (const [options, parameter] of [[{ dtype: 'q7' }, 'dtype'], [{ device: 'wasm' }, 'device'], [{ device: 'tpu' }, 'device'], [{ revision: '../../x' }, 'revision']] as const) {
      const error = await failure(loadHubPipeline(TASK, reference, { cacheOnly: true, ...options }));
      expect(isDlError(error, 'INVALID_ARGUMENT'), JSON.stringify(options)).toBe(true);
      expect(error!.parameter).toBe(parameter);
    }
    expect((await failure(loadHubPipeline(TASK, reference, { dtype: 'q7' })))!.message).toMatch(/^dtype 'q7' is not one transformers.js takes here: auto, fp32, fp16, q8/);
  });

  it('online, an uncached hub id is downloaded into DL_CACHE/hub (per-call cache_dir), then loads offline', async () => {
    const progress: string[] = [];
    const pipeline = await loadHubPipeline(TASK, { kind: 'hub', id: 'test-org/served' }, { onProgress: (p) => progress.push(p.status) });
    expect(await classify(pipeline, 'The movie was great!')).toEqual([{ label: 'POSITIVE', score: expect.any(Number) }]);
    expect(requests).toContain('GET /test-org/served/resolve/main/onnx/model.onnx');
    expect(progress).toContain('done');
    expect(await readFile(join(cache, 'hub', 'test-org', 'served', 'onnx', 'model.onnx'))).toEqual(await readFile(join(TINY, 'onnx', 'model.onnx')));
    process.env.DL_OFFLINE = '1';
    await (await loadHubPipeline(TASK, { kind: 'hub', id: 'test-org/served' })).dispose();
  });
});
