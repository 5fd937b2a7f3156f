import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { isDlError, type DlError } from '@dlkit/core';
import { pipeline, TASKS } from './index.js';
import { splitSentences } from './text/sentences.js';

// A real document: the dataset description that ships beside the repository.
const DOC_FILE = testDataFile('mnist/SOURCE.md');
const DOC = DOC_FILE ? readFileSync(DOC_FILE, 'utf8') : '';

describe("pipeline('sentiment-analysis') on the embedded sentiment model", () => {
  it('answers one text with [{label, score}] and an array of texts with an array of those, in order', async () => {
    const sentiment = await pipeline('sentiment-analysis');
    try {
      expect([sentiment.task, sentiment.model]).toEqual(['sentiment-analysis', 'sentiment']);
      expect(sentiment.device).toMatch(/^(wasm|cpu|tensorflow)$/);
      expect(await sentiment('Loved it.')).toEqual([{ label: 'POSITIVE', score: expect.closeTo(0.913, 2) }]);
      const both = await sentiment(['Loved it.', 'A dull, lifeless mess.']);
      expect(both.map((labels) => labels.map((l) => l.label))).toEqual([['POSITIVE'], ['NEGATIVE']]);
    } finally {
      await sentiment.dispose();
    }
  });

  it("each() settles every text alone: ['Loved it.', '   '] gives a label for the first and INPUT_UNSUPPORTED for the second", async () => {
    // The old classifyBatch(['Loved it.', '   ']) rejected the whole batch, so the good text got no answer.
    const sentiment = await pipeline('sentiment');
    try {
      const [loved, blank] = await sentiment.each(['Loved it.', '   ']);
      expect(loved).toEqual({ ok: true, value: [{ label: 'POSITIVE', score: expect.any(Number) }] });
      expect(blank!.ok === false && blank!.error.code).toBe('INPUT_UNSUPPORTED');
      // Called on the array itself, the failed text is what is thrown.
      await expect(sentiment(['Loved it.', '   '])).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    } finally {
      await sentiment.dispose();
    }
  });

  it('topK: 2 gives both labels best first, summing to 1; the default is the best label only', async () => {
    const classify = await pipeline('text-classification');
    try {
      const all = await classify('Dull, predictable and far too long.', { topK: 2 });
      expect(all.map((l) => l.label)).toEqual(['NEGATIVE', 'POSITIVE']);
      expect(all[0]!.score + all[1]!.score).toBeCloseTo(1, 5);
      expect(await classify('Dull, predictable and far too long.', { topK: 1000 })).toEqual(all);
      expect(await classify('Dull, predictable and far too long.')).toEqual([all[0]]);
    } finally {
      await classify.dispose();
    }
  });

  it('an unknown or out-of-range option is INVALID_ARGUMENT naming it (the old allScores and topk included)', async () => {
    const sentiment = await pipeline('sentiment-analysis');
    try {
      for (const [options, parameter] of [[{ allScores: true }, 'allScores'], [{ topk: 2 }, 'topk'], [{ topK: 0 }, 'topK'], [{ topK: 1.5 }, 'topK']] as const) {
        const error = await sentiment('Loved it.', options as never).catch((e: unknown) => e);
        expect(error, parameter).toMatchObject({ code: 'INVALID_ARGUMENT', parameter });
        expect((error as DlError).message).toContain(parameter);
      }
      await expect(pipeline('sentiment-analysis', undefined, { window: 60 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'window' });
    } finally {
      await sentiment.dispose();
    }
  });

  it('dispose() twice (or at once) is fine; a call or each() after it is DISPOSED', async () => {
    const sentiment = await pipeline('sentiment-analysis');
    await Promise.all([sentiment.dispose(), sentiment.dispose()]);
    await sentiment.dispose();
    await expect(sentiment('Loved it.')).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(sentiment.each(['Loved it.'])).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('a model of another task is refused when the pipeline is made', async () => {
    const error = await pipeline('sentiment-analysis', 'textrank').catch((e: unknown) => e);
    expect(isDlError(error, 'MODEL_NOT_FOUND')).toBe(true);
  });
});

describe.skipIf(!DOC_FILE)("pipeline('summarization')", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("'textrank' summarizes a real document offline: the top sentences, in document order", async () => {
    const summarize = await pipeline('summarization', 'textrank');
    try {
      expect([summarize.model, summarize.device]).toEqual(['textrank', 'cpu']);
      const [{ summary_text }] = await summarize(DOC, { sentences: 2 });
      const picked = splitSentences(DOC).filter((s) => summary_text.includes(s));
      expect(picked).toHaveLength(2);
      expect(summary_text).toBe(picked.join(' '));
      const [one, empty] = await summarize.each([DOC, ' '], { ratio: 0.5 });
      const half = one!.ok ? splitSentences(DOC).filter((s) => one!.value[0].summary_text.includes(s)) : [];
      expect(half).toHaveLength(Math.round(splitSentences(DOC).length * 0.5));
      expect(empty!.ok === false && empty!.error.code).toBe('INPUT_UNSUPPORTED');
    } finally {
      await summarize.dispose();
    }
  });

  it("refuses an option 'textrank' cannot honour (maxLength, minLength, beams) by name", async () => {
    const summarize = await pipeline('summarization', 'textrank');
    try {
      for (const option of ['maxLength', 'minLength', 'beams']) {
        await expect(summarize(DOC, { [option]: 5 }), option).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: option, message: expect.stringContaining(option) });
      }
      await expect(summarize(DOC, { ratio: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'ratio' });
    } finally {
      await summarize.dispose();
    }
  });

  it('offline with an empty cache, the default model is MODEL_OFFLINE with a pull-model hint and no CLI words in the message', async () => {
    // The old message told library users to "run `dl models pull ...`" and "use --method extractive".
    const cache = mkdtempSync(join(tmpdir(), 'dl-nlp-cache-'));
    try {
      process.env.DL_OFFLINE = '1';
      process.env.DL_CACHE = cache;
      const error = await pipeline('summarization').catch((e: unknown) => e);
      expect(isDlError(error, 'MODEL_OFFLINE')).toBe(true);
      expect((error as DlError).hint).toEqual({ kind: 'pull-model', model: 'Xenova/distilbart-cnn-6-6', task: 'summarization', alternatives: ['textrank'] });
      expect((error as DlError).message).toContain("'textrank'");
      expect((error as DlError).message).not.toMatch(/--|\bdl /);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('the nlp TASKS table', () => {
  it('has the three tasks with their aliases and default models', () => {
    expect(TASKS.map((t) => [t.task, t.aliases, t.defaultModel, t.offline])).toEqual([
      ['sentiment-analysis', ['sentiment'], 'sentiment', true],
      ['text-classification', ['classify'], 'sentiment', true],
      ['summarization', ['summarize'], 'Xenova/distilbart-cnn-6-6', false],
    ]);
    expect(TASKS.map((t) => Object.keys(t.callOptions.shape))).toEqual([['topK'], ['topK'], ['maxLength', 'minLength', 'beams', 'sentences', 'ratio']]);
  });

  it('tasks.ts imports only zod and the light contract, so reading it loads no model runtime', () => {
    const source = readFileSync(join(import.meta.dirname, 'tasks.ts'), 'utf8');
    const imports = [...source.matchAll(/^import\s+(?!type\b)[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    expect(imports).toEqual(['zod', '@dlkit/core/pipeline']);
  });
});

describe('dtype and device load options (hub models only)', () => {
  const TINY_BERT = join(import.meta.dirname, 'classify/fixtures/tiny-bert');
  const TINY_BART = join(import.meta.dirname, 'summarize/fixtures/tiny-bart');
  const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable('expected a rejection'), (e: DlError) => e);

  it('the embedded model and TextRank refuse dtype and a device but cpu, the schema a bad dtype; a hub folder loads fp32 and is MODEL_INVALID without q8 weights', async () => {
    for (const [task, model, options, parameter] of [
      ['sentiment-analysis', undefined, { dtype: 'q8' }, 'dtype'],
      ['text-classification', undefined, { device: 'cuda' }, 'device'],
      ['summarization', 'textrank', { dtype: 'q8' }, 'dtype'],
      ['sentiment-analysis', undefined, { dtype: 'q7' }, 'dtype'],
      ['summarization', undefined, { dtype: 'q7' }, 'dtype'],
    ] as const) {
      const error = await failure(pipeline(task, model, options as never));
      expect(isDlError(error, 'INVALID_ARGUMENT') && error.parameter, `${task} ${JSON.stringify(options)}`).toBe(parameter);
    }
    const textrank = await pipeline('summarization', 'textrank', { device: 'cpu' });
    expect(textrank.device).toBe('cpu');
    await textrank.dispose();
    for (const [task, folder] of [['text-classification', TINY_BERT], ['summarization', TINY_BART]] as const) {
      const loaded = await pipeline(task, folder, { dtype: 'fp32', device: 'cpu' });
      expect(loaded.device, task).toBe('cpu');
      await loaded.dispose();
      const missing = await failure(pipeline(task, folder, { dtype: 'q8' }));
      expect(isDlError(missing, 'MODEL_INVALID'), task).toBe(true);
      expect(missing.message).toContain('_quantized.onnx');
    }
  });
});
