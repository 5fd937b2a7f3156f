import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoApp, type DemoApp } from './app.js';
import { lowRateWav } from '../e2e/hostile-inputs.js';

const BASE = 'http://127.0.0.1:3000';

let work: string;
let demo: DemoApp;
const checkpoint = () => join(work, 'digits.checkpoint', 'checkpoint.json');

const post = (path: string, init: RequestInit) => demo.app.request(`${BASE}${path}`, { method: 'POST', ...init });
const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  post(path, { headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function expectError(response: Response | Promise<Response>, status: number, code: string, message?: RegExp): Promise<string> {
  const r = await response;
  const body = (await r.json()) as { error?: { code: string; message: string } };
  expect([r.status, body.error?.code], JSON.stringify(body)).toEqual([status, code]);
  if (message) expect(body.error!.message).toMatch(message);
  return body.error!.message;
}

async function trainingStatus(): Promise<string> {
  return ((await (await demo.app.request(`${BASE}/api/train`)).json()) as { status: string }).status;
}

describe('demo API: state changes only from its own origin, JSON only where JSON is expected', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dlkit-demo-security-'));
    // A run stopped by an earlier server: the one thing a stray start must not delete.
    await mkdir(join(work, 'digits.checkpoint'), { recursive: true });
    await writeFile(checkpoint(), '{}');
    demo = await createDemoApp({ workDir: work });
  });
  afterAll(async () => {
    await demo?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('a cross-origin form post and a no-cors fetch are refused, and the stopped run keeps its checkpoint', async () => {
    const before = (await stat(checkpoint())).mtimeMs;
    // What a browser sends for <form enctype="text/plain"> posted from another site, and for fetch(..., {mode: 'no-cors'}).
    const form = { 'Content-Type': 'text/plain', Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' };
    const noCors = { 'Content-Type': 'text/plain;charset=UTF-8', Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' };
    // Another port of the same host is the same site but not the same origin.
    const samePortless = { 'Content-Type': 'application/json', Origin: 'http://127.0.0.1:4444', 'Sec-Fetch-Site': 'same-site' };
    const nullOrigin = { 'Content-Type': 'application/json', Origin: 'null' };
    const fetchMetadataOnly = { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' };
    for (const headers of [form, noCors, samePortless, nullOrigin, fetchMetadataOnly]) {
      await expectError(post('/api/train/start', { headers, body: '{"epochs": 1, "fresh": true, "x": "="}' }), 403, 'FORBIDDEN', /origin|site/i);
    }
    for (const path of ['/api/train/stop', '/api/train/resume', '/api/nlp/sentiment', '/api/nlp/summarize', '/api/vision/classify', '/api/speech/transcribe', '/api/nope']) {
      await expectError(post(path, { headers: noCors, body: 'hello' }), 403, 'FORBIDDEN');
    }
    expect(await trainingStatus()).toBe('stopped');
    expect((await stat(checkpoint())).mtimeMs).toBe(before);
  });

  it('the own page (same origin), fetch metadata "none" and non-browser clients (no Origin) still get through', async () => {
    const text = { text: 'A lovely, warm film.' };
    for (const headers of [{ Origin: BASE, 'Sec-Fetch-Site': 'same-origin' }, { 'Sec-Fetch-Site': 'none' }, {}]) {
      const r = await json('/api/nlp/sentiment', text, headers);
      expect(r.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it('train routes take JSON only; a body that does not parse is 400, never {}', async () => {
    await expectError(post('/api/train/start', { headers: { 'Content-Type': 'text/plain' }, body: '{"epochs": 1}' }), 415, 'INPUT_UNSUPPORTED', /application\/json/);
    await expectError(post('/api/train/start', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'epochs=1' }), 415, 'INPUT_UNSUPPORTED');
    await expectError(post('/api/train/start', {}), 415, 'INPUT_UNSUPPORTED');
    await expectError(post('/api/train/start', { headers: { 'Content-Type': 'application/json' }, body: '{"epochs": ' }), 400, 'INVALID_ARGUMENT', /JSON/);
    await expectError(post('/api/train/start', { headers: { 'Content-Type': 'application/json' }, body: '' }), 400, 'INVALID_ARGUMENT', /JSON/);
    await expectError(json('/api/train/start', [1]), 400, 'INVALID_ARGUMENT');
    await expectError(post('/api/train/stop', { headers: { 'Content-Type': 'text/plain' }, body: '{}' }), 415, 'INPUT_UNSUPPORTED');
    expect(await trainingStatus()).toBe('stopped');
  });

  it('start does not delete a resumable run unless asked for a fresh one', async () => {
    const message = await expectError(json('/api/train/start', { epochs: 1 }), 409, 'CONFLICT', /fresh/);
    expect(message).toMatch(/resume/i);
    expect(await trainingStatus()).toBe('stopped');
    await stat(checkpoint());
  });

  it('integers in parameters are JSON integers or decimal digits, in range; anything else is 400 naming the parameter', async () => {
    for (const epochs of ['0x10', [2], 2.5, '1e1', ' 2', '2 ', '+2', '-1', 0, 51, 1e21, true, '']) {
      await expectError(json('/api/train/start', { epochs, fresh: true }), 400, 'INVALID_ARGUMENT', /epochs/);
    }
    await expectError(json('/api/train/start', { fresh: 'yes' }), 400, 'INVALID_ARGUMENT', /fresh/);
    for (const sentences of ['0x2', [2], 1.5, '2e0']) {
      await expectError(json('/api/nlp/summarize', { text: 'One. Two. Three.', sentences }), 400, 'INVALID_ARGUMENT', /sentences/);
    }
    await expectError(post('/api/nlp/summarize?sentences=0x2', { headers: { 'Content-Type': 'text/plain' }, body: 'One. Two.' }), 400, 'INVALID_ARGUMENT', /sentences/);
    await expectError(post('/api/vision/classify?topK=0x10', { headers: { 'Content-Type': 'image/jpeg' }, body: 'x' }), 400, 'INVALID_ARGUMENT', /topK/);
    await expectError(post('/api/vision/detect?threshold=0x1', { headers: { 'Content-Type': 'image/jpeg' }, body: 'x' }), 400, 'INVALID_ARGUMENT', /threshold/);
    await expectError(post('/api/vision/detect?threshold=%20', { headers: { 'Content-Type': 'image/jpeg' }, body: 'x' }), 400, 'INVALID_ARGUMENT', /threshold/);
    // Decimal digit strings and JSON integers are what a form field or a client sends: both are taken.
    const summary = await json('/api/nlp/summarize', { text: 'Cats sleep. Dogs bark. Birds sing.', sentences: '2' });
    expect(summary.status).toBe(200);
    expect(await trainingStatus()).toBe('stopped');
  });

  it('oversized texts are refused with 413 naming the limit, before any work', async () => {
    const started = performance.now();
    const cases: Array<[Promise<Response>, RegExp]> = [
      [post('/api/nlp/summarize', { headers: { 'Content-Type': 'text/plain' }, body: 'All work and no play. '.repeat(500_000) }), /\d[\d,]* (bytes|characters)/],
      [json('/api/nlp/sentiment', { texts: Array.from({ length: 3_000_000 }, () => '') }), /\d[\d,]* (bytes|texts)/],
      [json('/api/nlp/sentiment', { texts: Array.from({ length: 1001 }, () => 'ok') }), /1,000 texts/],
      [json('/api/nlp/sentiment', { text: 'word '.repeat(30_000) }), /100,000 characters/],
      [json('/api/nlp/summarize', { texts: Array.from({ length: 3 }, () => 'word '.repeat(19_000)) }), /200,000 characters/],
    ];
    for (const [response, limit] of cases) await expectError(response, 413, 'INPUT_TOO_LARGE', limit);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('a recording longer than the cap is refused by its decoded length, not transcribed for hours', async () => {
    const started = performance.now();
    // 1 MB at 1 Hz: 145 hours once resampled to 16 kHz (it held the only model slot for ~45 min).
    await expectError(post('/api/speech/transcribe', { headers: { 'Content-Type': 'audio/wav' }, body: lowRateWav() }), 413, 'INPUT_TOO_LARGE', /120 s/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});

describe('demo API: a job past its deadline gives its slot back', () => {
  it('a request behind one that passed its deadline runs within a bound', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlkit-demo-deadline-'));
    const timeoutMs = 500;
    const app = await createDemoApp({ workDir: dir, timeoutMs });
    const sentiment = (body: unknown) =>
      app.app.request(`${BASE}/api/nlp/sentiment`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    try {
      // Loading the model can take longer than the deadline on a busy machine: the load goes on, so ask again.
      await expect.poll(async () => (await sentiment({ text: 'Load the model first.' })).status, { timeout: 20_000 }).toBe(200);
      // ~2.5 s of model work within the size caps (20 texts of ~8,800 characters): five times the deadline.
      const long = Array.from({ length: 20 }, (_, i) => Array.from({ length: 190 }, (_, j) => `Sentence ${i * 1000 + j} about film ${j % 37} was great or awful. `).join(''));
      const began = performance.now();
      const stuck = await sentiment({ texts: long });
      expect(stuck.status).toBe(504);
      const next = performance.now();
      const quick = await sentiment({ text: 'Short and sweet.' });
      const waited = performance.now() - next;
      expect(quick.status, `answered after ${Math.round(waited)} ms`).toBe(200);
      // One slice of the stuck job at most (a few hundred ms), not the rest of its work.
      expect(waited).toBeLessThan(timeoutMs);
      expect(next - began).toBeLessThan(timeoutMs + 1000);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
