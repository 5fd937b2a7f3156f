import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isDlError } from '@dlkit/core';
import { createTextClassifier } from './text-classifier.js';

// A tiny hand-set "BERT" in transformers.js's layout (scripts/make-tiny-bert.py): 14-word vocabulary, fixed
// per-word evidence. Wiring only: tokenizer, model and decoding through transformers.js.
const TINY = fileURLToPath(new URL('./fixtures/tiny-bert', import.meta.url));

describe('text classification through transformers.js (tiny hand-set fixture, wiring only)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('tokenizes, runs and decodes: best label, or all scores', async () => {
    const classifier = await createTextClassifier({ model: TINY });
    try {
      expect(await classifier.classify('The movie was great!')).toEqual([{ label: 'POSITIVE', score: expect.closeTo(0.9526, 3) }]);
      const all = await classifier.classify('an awful movie', { allScores: true });
      expect(all.map((l) => l.label)).toEqual(['NEGATIVE', 'POSITIVE']);
      expect(all[0]!.score + all[1]!.score).toBeCloseTo(1);
      await expect(classifier.classify('  ')).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    } finally {
      await classifier.dispose();
    }
  });

  it('scores a long text by windows instead of truncating it', async () => {
    const classifier = await createTextClassifier({ model: TINY, window: 60 });
    try {
      // A first window that is mildly positive, then many clearly negative ones: truncation would say POSITIVE.
      const text = ['The movie was good.', ...Array.from({ length: 8 }, () => 'The movie was awful and bad.')].join(' ');
      expect((await classifier.classify(text))[0]!.label).toBe('NEGATIVE');
    } finally {
      await classifier.dispose();
    }
  });

  it('offline, an uncached hub id is MODEL_OFFLINE; a bare name is MODEL_NOT_FOUND', async () => {
    process.env.DL_OFFLINE = '1';
    const offline = await createTextClassifier({ model: 'Xenova/distilbert-base-uncased-finetuned-sst-2-english' }).catch((e: Error) => e);
    expect(isDlError(offline, 'MODEL_OFFLINE')).toBe(true);
    const unknown = await createTextClassifier({ model: 'sentiment' }).catch((e: Error) => e);
    expect(isDlError(unknown, 'MODEL_NOT_FOUND')).toBe(true);
  });
});
