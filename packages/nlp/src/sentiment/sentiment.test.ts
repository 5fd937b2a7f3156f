import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { selectTfjsBackend, splitIndices } from '@dlkit/core';
import { pipeline } from '../index.js';
import { loadPolarityData, SENTIMENT_RECIPE } from './train-sentiment.js';

const POLARITY = testDataset('rt-polarity') ?? '';
const REVIEWS = fileURLToPath(new URL('../../test-data/reviews-out-of-domain.jsonl', import.meta.url));

describe.skipIf(!POLARITY)('embedded sentiment model (trained here on rt-polarity)', () => {
  it('scores the held-out rt-polarity sentences it was not trained on (network + lexicon) at the accuracy its manifest records', async () => {
    const { texts, labels } = await loadPolarityData(POLARITY);
    const ids = labels.map((l) => (l === 'POSITIVE' ? 1 : 0));
    const { validation } = splitIndices(ids, 2, { validation: SENTIMENT_RECIPE.validation, seed: SENTIMENT_RECIPE.seed });
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../models/sentiment/dlkit.json', import.meta.url)), 'utf8'));
    const analyzer = await pipeline('sentiment-analysis');
    try {
      const results = await analyzer(validation.map((i) => texts[i]!));
      const correct = results.filter((r, k) => r[0]!.label === labels[validation[k]!]).length;
      expect(validation.length).toBe(1066);
      expect(correct / validation.length).toBeCloseTo(manifest.metrics.heldOutAccuracy, 6);
      expect(correct / validation.length).toBeGreaterThanOrEqual(0.8);
    } finally {
      await analyzer.dispose();
    }
  });

  it('generalises beyond movies: product and restaurant reviews written for this test', async () => {
    const reviews = readFileSync(REVIEWS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; label: string });
    const analyzer = await pipeline('sentiment-analysis');
    try {
      const results = await analyzer(reviews.map((r) => r.text));
      const correct = results.filter((r, i) => r[0]!.label === reviews[i]!.label).length;
      expect(correct / reviews.length).toBeGreaterThanOrEqual(0.85);
    } finally {
      await analyzer.dispose();
    }
  });

  it('answers in the Hugging Face shape; all scores sum to 1; a long review is scored by windows; no tensor leaks', async () => {
    const { tf } = await selectTfjsBackend();
    const analyzer = await pipeline('sentiment-analysis');
    try {
      const [best] = await analyzer('A warm, funny and beautifully acted film.');
      expect(best).toEqual({ label: 'POSITIVE', score: expect.any(Number) });
      expect(best!.score).toBeGreaterThan(0.5);
      const all = await analyzer("Dull, predictable and far too long; I couldn't wait for it to end.", { topK: 2 });
      expect(all.map((l) => l.label)).toEqual(['NEGATIVE', 'POSITIVE']);
      expect(all[0]!.score + all[1]!.score).toBeCloseTo(1, 5);
      // ~200 words: several windows. A text that praises briefly and then complains at length is negative.
      const long = ['The opening scene is lovely.', ...Array.from({ length: 12 }, () => 'Then the story drags, the jokes fall flat and the acting is wooden and dull.')].join(' ');
      expect((await analyzer(long))[0]!.label).toBe('NEGATIVE');
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) await analyzer(i % 2 ? 'great fun' : 'a boring mess');
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await analyzer.dispose();
    }
  });

  it('a 1 MB document is scored by its ~3,000 windows in slices, not refused or truncated', async () => {
    const analyzer = await pipeline('sentiment-analysis');
    try {
      const praise = 'The acting is superb and the story is moving and beautifully told. ';
      const text = praise.repeat(Math.ceil(1_000_000 / praise.length));
      const [best] = await analyzer(text);
      expect(best!.label).toBe('POSITIVE');
    } finally {
      await analyzer.dispose();
    }
  });

  it('a 10 MB document is scored on 4,096 windows spread through it, close to the score of all its windows', async () => {
    const analyzer = await pipeline('sentiment-analysis');
    try {
      const pan = 'The plot is dull and the acting is wooden and lifeless throughout. ';
      const praise = 'The acting is superb and the story is moving and beautifully told. ';
      // One third pans, two thirds praise, in blocks: short enough to score whole, and 10 MB of the same mix.
      const block = `${pan.repeat(10)}${praise.repeat(20)}`;
      const [small] = await analyzer(block.repeat(20), { topK: 2 });
      const started = performance.now();
      const [huge] = await analyzer(block.repeat(Math.ceil(10_000_000 / block.length)), { topK: 2 });
      expect(huge!.label).toBe(small!.label);
      expect(Math.abs(huge!.score - small!.score)).toBeLessThan(0.02);
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      await analyzer.dispose();
    }
  });

  it('1,000 calls, short and long, single and batched, leave no tensors; dispose() frees the model', async () => {
    const { tf } = await selectTfjsBackend();
    const before = tf.memory().numTensors;
    const analyzer = await pipeline('sentiment-analysis');
    const texts = ['Loved it.', 'A dull, lifeless mess of a film.', 'The acting is superb. '.repeat(60)];
    const call = (i: number) => (i % 10 === 0 ? analyzer(texts) : analyzer(texts[i % texts.length]!));
    for (let i = 0; i < 3; i++) await call(i);
    const baseline = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) await call(i);
    expect(tf.memory().numTensors).toBe(baseline);
    await analyzer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('empty, whitespace-only and word-less texts are typed errors; a disposed analyzer refuses with DISPOSED', async () => {
    const analyzer = await pipeline('sentiment-analysis');
    await expect(analyzer('')).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    await expect(analyzer(' \n\t ')).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    await expect(analyzer('... --- ...')).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    await expect(analyzer('\u0000\u0001\u0002')).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
    await analyzer.dispose();
    await expect(analyzer('fine')).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
