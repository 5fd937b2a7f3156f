import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataFile, testDataset } from '@dlkit/core/testing';
import { createDemoApp, type DemoApp } from './app.js';

// Real data from the mirror (DL_DATA_MIRROR: ../shared/data here): sample photos and FSDD recordings.
const IMAGES = testDataFile('images');
const FSDD = testDataset('fsdd');
const image = (name: string) => join(IMAGES ?? '', name);
const recording = (name: string) => join(FSDD ?? '', 'recordings', name);
const URL_BASE = 'http://127.0.0.1';

let work: string;
let demo: DemoApp;
let dog: Buffer;

function upload(path: string, bytes: Buffer, type: string, name = 'photo.jpg', init: RequestInit = {}) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  return demo.app.request(`${URL_BASE}${path}`, { method: 'POST', body: form, ...init });
}

const json = (path: string, body: unknown) =>
  demo.app.request(`${URL_BASE}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe.skipIf(!IMAGES || !FSDD)('demo HTTP API (real embedded models)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dlkit-demo-api-'));
    dog = await readFile(image('dog.jpg'));
    demo = await createDemoApp({ workDir: work, maxBodyBytes: 2 * 1024 * 1024 });
  });
  afterAll(async () => {
    await demo?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('GET /api/health and /api/models: the queue, and every embedded model', async () => {
    const health = await demo.app.request(`${URL_BASE}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      queue: { running: 0, waiting: 0 },
      training: 'idle',
      resources: { rssMB: expect.any(Number), tensors: expect.any(Number), onnxSessions: expect.any(Number) },
    });
    const names = ((await (await demo.app.request(`${URL_BASE}/api/models`)).json()) as Array<{ name: string }>).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['mobilenetv2', 'digits', 'centernet', 'sentiment', 'speech-digits']));
  });

  it('classify and detect take multipart or a raw body, and answer in the CLI --json shapes', async () => {
    const classified = await upload('/api/vision/classify?topK=3', dog, 'image/jpeg', 'dog.jpg');
    expect(classified.status).toBe(200);
    const top = (await classified.json()) as { input: string; output: Array<{ label: string; score: number }> };
    expect(top.input).toBe('dog.jpg');
    expect(top.output).toHaveLength(3);
    expect(top.output[0]!.label).toMatch(/malamute|husky/i);

    const detected = await demo.app.request(`${URL_BASE}/api/vision/detect?image=1`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: dog });
    const body = (await detected.json()) as { input: string; output: Array<{ label: string }>; size: { width: number }; image: string };
    expect(body.input).toBe('upload');
    expect(body.output.map((d) => d.label)).toContain('dog');
    expect(body.size.width).toBe(768);
    expect(body.image.startsWith('data:image/jpeg;base64,/9j/')).toBe(true);
  });

  it('sentiment and summarize take JSON {text} or {texts}, or text/plain', async () => {
    const one = await json('/api/nlp/sentiment', { text: 'An utterly delightful film.' });
    expect(await one.json()).toMatchObject({ input: 'text', output: [{ label: 'POSITIVE' }] });
    const many = (await (await json('/api/nlp/sentiment', { texts: ['Loved it.', 'A boring, tedious waste of time.'] })).json()) as Array<{ input: string; output: Array<{ label: string }> }>;
    expect(many.map((r) => [r.input, r.output[0]!.label])).toEqual([
      ['texts[0]', 'POSITIVE'],
      ['texts[1]', 'NEGATIVE'],
    ]);
    const text = 'Cats sleep a lot. Dogs bark at night. Cats and dogs can live together. Birds sing.';
    const plain = await demo.app.request(`${URL_BASE}/api/nlp/summarize?sentences=1`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: text });
    const summary = ((await plain.json()) as { output: [{ summary_text: string }] }).output[0].summary_text;
    expect(text).toContain(summary);
    expect(summary.split('. ')).toHaveLength(1);
  });

  it('transcribe reads a real FSDD recording, and writes SRT on request', async () => {
    const wav = await readFile(recording('4_nicolas_2.wav'));
    const result = await upload('/api/speech/transcribe', wav, 'audio/wav', '4.wav');
    expect(await result.json()).toMatchObject({ input: '4.wav', output: { text: 'four', chunks: [{ text: 'four' }] } });
    const srt = await upload('/api/speech/transcribe?format=srt', wav, 'audio/wav', '4.wav');
    expect(srt.headers.get('content-type')).toMatch(/subrip/);
    expect(await srt.text()).toMatch(/^1\n00:00:00,\d{3} --> 00:00:00,\d{3}\nfour\n/);
  });

  it('bad requests get a status and a typed error, never a crash', async () => {
    const cases: Array<[Promise<Response>, number, string]> = [
      [upload('/api/vision/classify', Buffer.from('hello'), 'text/plain', 'notes.txt'), 415, 'INPUT_UNSUPPORTED'],
      [upload('/api/vision/classify', Buffer.from('not really a png'), 'image/png', 'broken.png'), 400, 'INPUT_UNREADABLE'],
      [upload('/api/vision/classify', Buffer.alloc(0), 'image/png', 'empty.png'), 400, 'INPUT_UNREADABLE'],
      [upload('/api/vision/classify', Buffer.alloc(3 * 1024 * 1024), 'image/jpeg', 'huge.jpg'), 413, 'INPUT_TOO_LARGE'],
      [upload('/api/vision/classify?topK=0', dog, 'image/jpeg'), 400, 'INVALID_ARGUMENT'],
      [upload('/api/vision/classify?model=../../etc/passwd', dog, 'image/jpeg'), 404, 'MODEL_NOT_FOUND'],
      [json('/api/nlp/summarize', { text: 'A sentence.', model: 'Xenova/some-other-model' }), 404, 'MODEL_NOT_FOUND'],
      [upload('/api/speech/transcribe', dog, 'image/jpeg'), 415, 'INPUT_UNSUPPORTED'],
      [demo.app.request(`${URL_BASE}/api/vision/classify`, { method: 'POST', body: new FormData() }), 400, 'INVALID_ARGUMENT'],
      [json('/api/nlp/sentiment', { text: 42 }), 400, 'INVALID_ARGUMENT'],
      [json('/api/nlp/sentiment', { text: '   ' }), 415, 'INPUT_UNSUPPORTED'],
      [json('/api/nlp/summarize', { text: 'A sentence.', method: 'poetry' }), 400, 'INVALID_ARGUMENT'],
      [demo.app.request(`${URL_BASE}/api/nlp/sentiment`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text": ' }), 400, 'INVALID_ARGUMENT'],
      [demo.app.request(`${URL_BASE}/api/nope`), 404, 'NOT_FOUND'],
      [demo.app.request('http://evil.example/api/health'), 403, 'FORBIDDEN'],
      [json('/api/train/stop', {}), 409, 'CONFLICT'],
    ];
    for (const [response, status, code] of cases) {
      const r = await response;
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect([r.status, body.error.code], body.error.message).toEqual([status, code]);
      expect(body.error.message.length).toBeGreaterThan(10);
    }
    // Static files: no way out of the built page's folder, however the path is spelled; no stack traces.
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2f..%2fpackage.json', '/..%5c..%5cpackage.json', '/index.html%00.png']) {
      const r = await demo.app.request(`${URL_BASE}${path}`);
      const body = await r.text();
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      expect(body, path).not.toMatch(/root:|"name": "@dlkit|    at /);
    }
    // The server still works after all of that.
    expect((await upload('/api/vision/classify', dog, 'image/jpeg')).status).toBe(200);
  });
});

describe.skipIf(!IMAGES || !FSDD)('demo HTTP API limits', () => {
  it('a full queue answers 429 with Retry-After; a request past its deadline answers 504', async () => {
    const work = await mkdtemp(join(tmpdir(), 'dlkit-demo-limits-'));
    const dogBytes = await readFile(image('dog.jpg'));
    const busy = await createDemoApp({ workDir: work, maxWaiting: 0, timeoutMs: 60_000 });
    const slow = await createDemoApp({ workDir: work, timeoutMs: 1 });
    try {
      const send = (app: DemoApp) => app.app.request(`${URL_BASE}/api/vision/detect`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: dogBytes });
      const responses = await Promise.all([send(busy), send(busy)]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 429]);
      const refused = responses.find((r) => r.status === 429)!;
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ error: { code: 'BUSY' } });

      const late = await send(slow);
      expect(late.status).toBe(504);
      expect(await late.json()).toMatchObject({ error: { code: 'TIMEOUT' } });
    } finally {
      await busy.close();
      await slow.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
