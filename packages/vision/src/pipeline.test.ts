import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { isDlError } from '@dlkit/core';
import { SAMPLE_IMAGE } from './embedded.js';
import { pipeline, TASKS, type ImageClassificationPipeline, type ObjectDetectionPipeline } from './pipeline.js';

// Real photos from the data mirror (DL_DATA_MIRROR: ../shared/data here), read in place.
const IMAGES = testDataFile('images');
const DOG = join(IMAGES ?? '', 'dog.jpg');
const CATS = ['Egyptian Mau', 'tabby cat', 'tiger cat', 'Persian cat', 'Siamese cat', 'lynx'];

/** The error a promise rejects with (the test fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('the vision TASKS table', () => {
  it('stays light: tasks.ts imports only zod and the contract at load time, its implementations lazily', async () => {
    const source = await readFile(fileURLToPath(new URL('./tasks.ts', import.meta.url)), 'utf8');
    const eager = [...source.matchAll(/^import (?!type )[^;]*?from '([^']+)'/gm)].map((m) => m[1]);
    expect(eager.sort()).toEqual(['@dlkit/core/pipeline', 'zod']);
    expect([...source.matchAll(/await import\('([^']+)'\)/g)].map((m) => m[1])).toEqual(['./classify/runner.js', './detect/runner.js', './faces/runner.js', './pose/runner.js', './ocr/runner.js']);
  });

  it('has the five rows with their aliases and embedded default models, in the shape the CLI reads', () => {
    expect(TASKS.map((t) => [t.task, t.aliases, t.defaultModel, t.input, t.offline])).toEqual([
      ['image-classification', ['classify'], 'mobilenetv2', 'image', true],
      ['object-detection', ['detect'], 'centernet', 'image', true],
      ['face-analysis', ['faces'], 'face-api', 'image', true],
      ['pose-estimation', ['pose'], 'movenet-lightning', 'image', true],
      ['image-to-text', ['ocr'], 'tesseract-eng', 'image', true],
    ]);
    for (const task of TASKS) {
      for (const key of ['allowUrls', 'allowStdin', 'allowPrivateHosts', 'maxPixels']) expect(Object.keys(task.loadOptions.shape), task.task).toContain(key);
      // Every option has the one line the CLI's --help is built from.
      for (const [key, schema] of Object.entries({ ...task.loadOptions.shape, ...task.callOptions.shape })) expect((schema as { description?: string }).description, key).toBeTruthy();
    }
  });
});

describe.skipIf(!IMAGES)("pipeline('image-classification') on the embedded MobileNetV2", () => {
  let classify: ImageClassificationPipeline;
  beforeAll(async () => {
    classify = await pipeline('image-classification');
  });
  afterAll(() => classify.dispose());

  it('answers one image with [{label, score}] and an array with an array of those, in order', async () => {
    expect(classify.task).toBe('image-classification');
    expect(classify.model).toBe('mobilenetv2');
    const top = await classify(SAMPLE_IMAGE, { topK: 3 });
    expect(top).toHaveLength(3);
    expect(Object.keys(top[0]!).sort()).toEqual(['label', 'score']);
    expect(CATS).toContain(top[0]!.label);
    const both = await classify([DOG, SAMPLE_IMAGE], { topK: 1 });
    expect(both).toHaveLength(2);
    expect(both[0]![0]!.label).toBe('Alaskan Malamute');
    expect(both[1]).toEqual([top[0]]);
  });

  it('each() settles a bad input alone and still answers the good one; a plain call throws that input\'s error', async () => {
    const results = await classify.each([Buffer.from('not an image'), SAMPLE_IMAGE]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['INPUT_UNREADABLE', 'ok']);
    expect(results[1]!.ok && CATS.includes(results[1]!.value[0]!.label)).toBe(true);
    await expect(classify([SAMPLE_IMAGE, Buffer.from('not an image')])).rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
  });

  it('batches more images than one run holds (8) and answers each in order', async () => {
    const images = Array.from({ length: 11 }, (_, i) => (i === 9 ? Buffer.alloc(0) : i % 2 === 0 ? SAMPLE_IMAGE : DOG));
    const results = await classify.each(images, { topK: 1 });
    expect(results.map((r) => (r.ok ? r.value[0]!.label === 'Alaskan Malamute' ? 'dog' : 'cat' : r.error.code))).toEqual([
      'cat', 'dog', 'cat', 'dog', 'cat', 'dog', 'cat', 'dog', 'cat', 'INPUT_UNSUPPORTED', 'cat',
    ]);
  });

  it('refuses topK: 0 as INVALID_ARGUMENT on topK, and the old spelling topk by its name', async () => {
    const zero = await rejection(classify(SAMPLE_IMAGE, { topK: 0 }));
    expect(isDlError(zero, 'INVALID_ARGUMENT') && zero.parameter).toBe('topK');
    // Before the contract, `topk` was the option; now it is not silently ignored.
    const old = await rejection(classify(SAMPLE_IMAGE, { topk: 3 } as never));
    expect(isDlError(old, 'INVALID_ARGUMENT') && old.parameter).toBe('topk');
    expect((old as Error).message).toContain("'topk'");
  });

  it('refuses a load option of the wrong type or an unknown one, naming it', async () => {
    const bad = await rejection(pipeline('image-classification', undefined, { batchSize: 0 }));
    expect(isDlError(bad, 'INVALID_ARGUMENT') && bad.parameter).toBe('batchSize');
    const unknown = await rejection(pipeline('image-classification', undefined, { providers: ['cpu'] } as never));
    expect(isDlError(unknown, 'INVALID_ARGUMENT') && unknown.parameter).toBe('providers');
  });

  it('does not fetch a URL string unless allowUrls is given', async () => {
    // The old decoder fetched any http(s) string; a library must not reach the network because a string looked like a URL.
    const error = await rejection(classify('http://127.0.0.1:9/cat.jpg'));
    expect(isDlError(error, 'INPUT_UNSUPPORTED')).toBe(true);
    expect((error as Error).message).toContain('not fetched unless the caller allows them');
  });

  it("does not read the host's standard input for '-' unless allowStdin is given", async () => {
    // The old decoder read process.stdin for '-': an embedding program would hang or lose its own input.
    const error = await rejection(classify('-'));
    expect(isDlError(error, 'INPUT_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('standard input is read only when the caller allows it');
  });
});

describe('URL load options reach the reader unchanged', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  beforeAll(async () => {
    const cat = await readFile(SAMPLE_IMAGE);
    server = createServer((_, response) => {
      requests++;
      response.end(cat);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cat.jpg`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('allowUrls alone still refuses a loopback host; with allowPrivateHosts the image is fetched and classified', async () => {
    const urls = await pipeline('image-classification', undefined, { allowUrls: true });
    try {
      const error = await rejection(urls(url));
      expect(isDlError(error, 'INPUT_UNSUPPORTED')).toBe(true);
      expect((error as Error).message).toContain('private hosts are not allowed');
      expect(requests).toBe(0);
    } finally {
      await urls.dispose();
    }
    const local = await pipeline('image-classification', undefined, { allowUrls: true, allowPrivateHosts: true });
    try {
      expect(CATS).toContain((await local(url, { topK: 1 }))[0]!.label);
      expect(requests).toBe(1);
    } finally {
      await local.dispose();
    }
  });
});

describe('pipeline lifecycle and wrong models', () => {
  it('dispose() twice is harmless and a call after it is DISPOSED', async () => {
    const classify = await pipeline('image-classification', 'digits');
    await classify.dispose();
    await classify.dispose();
    await expect(classify(SAMPLE_IMAGE)).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(classify.each([SAMPLE_IMAGE])).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('a model of another task is one typed error naming both tasks', async () => {
    const error = await rejection(pipeline('object-detection', 'mobilenetv2'));
    expect(isDlError(error, 'MODEL_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/image-classification.*object-detection/);
    expect(isDlError(await rejection(pipeline('face-analysis', 'centernet')), 'MODEL_INVALID')).toBe(true);
  });

  it('an alias names the same task', async () => {
    const digits = await pipeline('classify', 'digits');
    try {
      expect([digits.task, digits.model]).toEqual(['image-classification', 'digits']);
      expect(await digits(join(fileURLToPath(new URL('../samples/', import.meta.url)), 'digit-7-paper.jpg'), { topK: 1 })).toMatchObject([{ label: '7' }]);
    } finally {
      await digits.dispose();
    }
  });

  it('an unknown task is INVALID_ARGUMENT on task with the nearest name', async () => {
    const error = await rejection(pipeline('clasify'));
    expect(isDlError(error, 'INVALID_ARGUMENT') && error.hint).toEqual({ kind: 'did-you-mean', value: 'classify' });
  });
});

describe.skipIf(!IMAGES)("pipeline('object-detection') classes", () => {
  let detect: ObjectDetectionPipeline;
  beforeAll(async () => {
    detect = await pipeline('object-detection');
  });
  afterAll(() => detect.dispose());

  it('matches classes in any case and answers Detection[] per image', async () => {
    const grey = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const [found, none] = await detect([DOG, grey], { classes: ['DOG'] });
    expect(found!.map((d) => d.label)).toEqual(['dog']);
    expect(Object.keys(found![0]!).sort()).toEqual(['box', 'label', 'score']);
    expect(none).toEqual([]);
  });

  it('refuses an unknown class as INVALID_ARGUMENT on classes with a did-you-mean hint, before reading any image', async () => {
    const error = await rejection(detect(join(IMAGES, 'missing.jpg'), { classes: ['persn'] }));
    expect(isDlError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error).toMatchObject({ parameter: 'classes', hint: { kind: 'did-you-mean', value: 'person' } });
    const empty = await rejection(detect(DOG, { classes: [] }));
    expect(isDlError(empty, 'INVALID_ARGUMENT') && empty.parameter).toBe('classes');
  });
});

describe('dtype and device load options (hub models only)', () => {
  const TINY_VIT = fileURLToPath(new URL('./classify/fixtures/tiny-vit', import.meta.url));
  const TINY_DETR = fileURLToPath(new URL('./detect/fixtures/tiny-detr', import.meta.url));

  it('an embedded model refuses dtype and a device but cpu, the schema a bad dtype; a hub folder loads fp32 and is MODEL_INVALID without q8 weights', async () => {
    for (const [task, options, parameter] of [
      ['image-classification', { dtype: 'q8' }, 'dtype'],
      ['object-detection', { dtype: 'q8' }, 'dtype'],
      ['image-classification', { device: 'cuda' }, 'device'],
      ['image-classification', { dtype: 'q7' }, 'dtype'],
    ] as const) {
      const error = await rejection(pipeline(task, undefined, options as never));
      expect(isDlError(error, 'INVALID_ARGUMENT') && error.parameter, `${task} ${JSON.stringify(options)}`).toBe(parameter);
    }
    for (const [task, folder] of [['image-classification', TINY_VIT], ['object-detection', TINY_DETR]] as const) {
      const loaded = await pipeline(task, folder, { dtype: 'fp32', device: 'cpu' });
      // The device the ONNX sessions were opened on, as transformers.js recorded it.
      expect(loaded.device).toBe('onnxruntime cpu (transformers.js)');
      await loaded.dispose();
      const missing = await rejection(pipeline(task, folder, { dtype: 'q8' }));
      expect(isDlError(missing, 'MODEL_INVALID'), task).toBe(true);
      expect((missing as Error).message).toContain('model_quantized.onnx');
    }
  });
});
