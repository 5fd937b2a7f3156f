import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createPipeline, isDlError } from '@dlkit/core';
import { pipeline } from '../index.js';
import { classificationCallOptions } from '../tasks.js';
import { loadTextClassifierRunner } from './text-classifier.js';

// A tiny hand-set "BERT" in transformers.js's layout (scripts/make-tiny-bert.py): 14-word vocabulary, fixed
// per-word evidence. Wiring only: tokenizer, model and decoding through transformers.js.
const TINY = fileURLToPath(new URL('./fixtures/tiny-bert', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'dl-nlp-tiny-bert-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The fixture with a tokenizer word past the end of the model's embedding table: onnxruntime fails on that word. */
function mismatchedCopy(): string {
  const dir = join(scratch, 'mismatched');
  cpSync(TINY, dir, { recursive: true });
  const tokenizer = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  tokenizer.model.vocab.zebra = 64;
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  return dir;
}

describe('text classification through transformers.js (tiny hand-set fixture, wiring only)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('tokenizes, runs and decodes: the best label, or topK labels', async () => {
    const classifier = await pipeline('text-classification', TINY);
    try {
      expect([classifier.model, classifier.device]).toEqual([TINY, 'cpu']);
      expect(await classifier('The movie was great!')).toEqual([{ label: 'POSITIVE', score: expect.closeTo(0.9526, 3) }]);
      const all = await classifier('an awful movie', { topK: 2 });
      expect(all.map((l) => l.label)).toEqual(['NEGATIVE', 'POSITIVE']);
      expect(all[0]!.score + all[1]!.score).toBeCloseTo(1);
      await expect(classifier('  ')).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    } finally {
      await classifier.dispose();
    }
  });

  it('scores a long text by windows instead of truncating it', async () => {
    // A 60-character window, so that a short text has several (the default is 1,500 characters).
    const classifier = createPipeline({ task: 'text-classification', callOptions: classificationCallOptions }, await loadTextClassifierRunner(TINY, {}, 60));
    try {
      // A first window that is mildly positive, then many clearly negative ones: truncation would say POSITIVE.
      const text = ['The movie was good.', ...Array.from({ length: 8 }, () => 'The movie was awful and bad.')].join(' ');
      expect((await classifier(text))[0]!.label).toBe('NEGATIVE');
    } finally {
      await classifier.dispose();
    }
  });

  it("the model's own failure on one text is MODEL_RUNTIME for that text only; the others are answered", async () => {
    // Before, the hub model's raw Error escaped (the CLI printed INTERNAL) and took the other texts with it.
    const classifier = await pipeline('text-classification', mismatchedCopy());
    try {
      const [good, zebra] = await classifier.each(['the movie was good.', 'the zebra was good.']);
      expect(good).toEqual({ ok: true, value: [{ label: 'POSITIVE', score: expect.any(Number) }] });
      expect(zebra!.ok === false && zebra!.error.code).toBe('MODEL_RUNTIME');
      expect(zebra!.ok === false && zebra!.error.message).toContain('mismatched');
    } finally {
      await classifier.dispose();
    }
  });

  it('dispose() twice is fine; a call after it is DISPOSED', async () => {
    const classifier = await pipeline('classify', TINY);
    await classifier.dispose();
    await classifier.dispose();
    await expect(classifier('The movie was great!')).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('offline, an uncached hub id is MODEL_OFFLINE; an unknown bare name is MODEL_NOT_FOUND', async () => {
    process.env.DL_OFFLINE = '1';
    process.env.DL_CACHE = scratch;
    const offline = await pipeline('text-classification', 'Xenova/distilbert-base-uncased-finetuned-sst-2-english').catch((e: Error) => e);
    expect(isDlError(offline, 'MODEL_OFFLINE')).toBe(true);
    const unknown = await pipeline('text-classification', 'no-such-model').catch((e: Error) => e);
    expect(isDlError(unknown, 'MODEL_NOT_FOUND')).toBe(true);
  });
});
