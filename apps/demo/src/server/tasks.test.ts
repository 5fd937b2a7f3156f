import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TASKS as NLP_TASKS } from '@dlkit/nlp';
import { TASKS as SPEECH_TASKS } from '@dlkit/speech';
import { TASKS as VISION_TASKS } from '@dlkit/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataFile, testDataset } from '@dlkit/core/testing';
import { createDemoApp, type DemoApp } from './app.js';

// Real data from the mirror (DL_DATA_MIRROR: ../shared/data here): sample photos and FSDD recordings.
const IMAGES = testDataFile('images');
const FSDD = testDataset('fsdd');
const image = (name: string) => join(IMAGES ?? '', name);
const recording = (name: string) => join(FSDD ?? '', 'recordings', name);
const BASE = 'http://127.0.0.1';

let work: string;
let demo: DemoApp;
let dog: Buffer;
let four: Buffer;

const post = (path: string, body: Buffer, type: string) => demo.app.request(`${BASE}${path}`, { method: 'POST', headers: { 'Content-Type': type }, body });
const json = (path: string, body: unknown) => post(path, Buffer.from(JSON.stringify(body)), 'application/json');

interface TaskListing {
  task: string;
  routes: string[];
  models: string[];
  options: { properties?: Record<string, unknown> };
}

describe.skipIf(!IMAGES || !FSDD)('demo routes come from the domains TASKS tables', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dlkit-demo-tasks-'));
    dog = await readFile(image('dog.jpg'));
    four = await readFile(recording('4_nicolas_2.wav'));
    demo = await createDemoApp({ workDir: work });
  });
  afterAll(async () => {
    await demo?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('GET /api/tasks lists every task of the tables with its routes, models and the options a request may set', async () => {
    const listed = (await (await demo.app.request(`${BASE}/api/tasks`)).json()) as TaskListing[];
    const rows = [...VISION_TASKS, ...NLP_TASKS, ...SPEECH_TASKS];
    expect(listed.map((t) => t.task)).toEqual(rows.map((t) => t.task));
    for (const row of rows) {
      const listing = listed.find((t) => t.task === row.task)!;
      expect(listing.routes).toContain(`/api/${row.domain}/${row.aliases[0]}`);
      expect(listing.models[0], row.task).toBeTruthy();
    }
    const options = (task: string) => Object.keys(listed.find((t) => t.task === task)!.options.properties ?? {});
    expect(options('image-classification')).toEqual(['topK']);
    // The server's limit, the costly temperature fallback and beams, the library-only signal and callback are not a request's to set.
    expect(options('automatic-speech-recognition')).toEqual(['language', 'task', 'timestamps', 'prompt']);
    expect(listed.find((t) => t.task === 'summarization')!.models.slice(0, 2)).toEqual(['textrank', 'Xenova/distilbart-cnn-6-6']);
    expect(listed.find((t) => t.task === 'automatic-speech-recognition')!.models[0]).toBe('speech-digits');
  });

  it('a task with no route code of its own is served from its row: voice activity detection on a real recording', async () => {
    const r = await post('/api/speech/vad', four, 'audio/wav');
    const body = (await r.json()) as { input: string; output: Array<{ start: number; end: number }> };
    expect(r.status, JSON.stringify(body)).toBe(200);
    expect(body.output).toHaveLength(1);
    expect(body.output[0]!.end).toBeGreaterThan(body.output[0]!.start);
    const byTaskName = await post('/api/speech/voice-activity-detection?threshold=0.5', four, 'audio/wav');
    expect(byTaskName.status).toBe(200);
  });

  it('pose estimation is served from its row: the person of person.jpg with 17 keypoints, maxPeople from the query', async () => {
    const r = await post('/api/vision/pose?maxPeople=1', await readFile(image('person.jpg')), 'image/jpeg');
    const body = (await r.json()) as { output: Array<{ score: number; keypoints: Array<{ name: string }> }> };
    expect(r.status, JSON.stringify(body)).toBe(200);
    expect(body.output).toHaveLength(1);
    expect(body.output[0]!.keypoints.map((k) => k.name)).toHaveLength(17);
  });

  it('OCR is served from its row: the three lines of the vision OCR fixture, layout from the query, langPath refused from a request', async () => {
    const fixture = await readFile(new URL('../../../../packages/vision/src/ocr/fixtures/lines.png', import.meta.url));
    const r = await post('/api/vision/ocr?layout=auto&minConfidence=0.5', fixture, 'image/png');
    const body = (await r.json()) as { output: { lines: Array<{ text: string; words: Array<{ box: object }> }> } };
    expect(r.status, JSON.stringify(body)).toBe(200);
    expect(body.output.lines.map((l) => l.text)).toEqual(['Invoice 2047 from Harbour Street', 'Total due: 318.40 EUR by Friday', 'Thank you for your order']);
    expect((await post('/api/vision/ocr?langPath=/etc', fixture, 'image/png')).status).toBe(400);
  });

  it('a bad or unknown option field is 400 INVALID_ARGUMENT naming it (old: topk and allScores were taken, other fields ignored)', async () => {
    const cases: Array<[Response | Promise<Response>, string]> = [
      [post('/api/vision/classify?topk=3', dog, 'image/jpeg'), 'topk'],
      [post('/api/vision/classify?topK=abc', dog, 'image/jpeg'), 'topK'],
      [post('/api/vision/classify?maxPixels=1', dog, 'image/jpeg'), 'maxPixels'],
      [post('/api/vision/detect?threshold=1.5', dog, 'image/jpeg'), 'threshold'],
      [post('/api/vision/detect?colour=red', dog, 'image/jpeg'), 'colour'],
      [post('/api/vision/detect?image=yes', dog, 'image/jpeg'), 'image'],
      [post('/api/vision/faces?threshold=x', dog, 'image/jpeg'), 'threshold'],
      [json('/api/nlp/sentiment', { text: 'Fine.', topK: 0 }), 'topK'],
      [json('/api/nlp/sentiment', { text: 'Fine.', allScores: true }), 'allScores'],
      [json('/api/nlp/sentiment', { text: 'Fine.', model: 42 }), 'model'],
      [json('/api/nlp/summarize', { text: 'One. Two.', method: 'abstractive' }), 'method'],
      // Options a model does not take are refused by its runner, named the same way.
      [json('/api/nlp/summarize', { text: 'One. Two.', maxLength: 50 }), 'maxLength'],
      [post('/api/speech/transcribe?language=french', four, 'audio/wav'), 'language'],
      [post('/api/speech/transcribe?maxSeconds=100000', four, 'audio/wav'), 'maxSeconds'],
      [post('/api/speech/transcribe?signal=x', four, 'audio/wav'), 'signal'],
      [post('/api/speech/transcribe?format=doc', four, 'audio/wav'), 'format'],
    ];
    for (const [response, field] of cases) {
      const r = await response;
      const body = (await r.json()) as { error: { code: string; message: string; parameter?: string } };
      expect([r.status, body.error.code, body.error.parameter], `${field}: ${body.error.message}`).toEqual([400, 'INVALID_ARGUMENT', field]);
      expect(body.error.message).toContain(field);
    }
  });

  it('options in a query are read as the schema types them: decimal numbers, lists, and JSON fields as given', async () => {
    const detected = await post('/api/vision/detect?threshold=0.25&classes=dog,person&maxDetections=2', dog, 'image/jpeg');
    const boxes = ((await detected.json()) as { output: Array<{ label: string; score: number }> }).output;
    expect(boxes.length).toBeGreaterThan(0);
    expect(boxes.length).toBeLessThanOrEqual(2);
    expect(boxes.every((b) => ['dog', 'person'].includes(b.label) && b.score >= 0.25)).toBe(true);
    const labels = (await (await json('/api/nlp/sentiment', { text: 'Loved it.', topK: 2 })).json()) as { output: unknown[] };
    expect(labels.output).toHaveLength(2);
  });

  it('a batch answers each text: one that fails has its error, the others their results (old: one bad text failed them all)', async () => {
    const r = await json('/api/nlp/sentiment', { texts: ['Loved it, a delight.', '   '] });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject([
      { input: 'texts[0]', output: [{ label: 'POSITIVE' }] },
      { input: 'texts[1]', error: { code: 'INPUT_UNSUPPORTED', message: expect.stringMatching(/\w/) } },
    ]);
  });
});
