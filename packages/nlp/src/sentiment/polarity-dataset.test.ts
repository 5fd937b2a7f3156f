import { describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { join } from 'node:path';
import { loadDatasetSplit, parseTrainConfig, splitIndices, trainConfigSchema, trainFromConfig } from '@dlkit/core';
import '../index.js';
import { loadPolarityData, SENTIMENT_RECIPE } from './train-sentiment.js';

const POLARITY = testDataset('rt-polarity');

describe.skipIf(!POLARITY)('the registry\'s rt-polarity through the text-polarity loader', () => {
  it('rt-polarity:test is exactly the cut dl train sentiment holds out (recipe seed and fraction), so the shipped model never trained on it', async () => {
    const { texts, labels } = await loadPolarityData(POLARITY!);
    const ids = labels.map((l) => (l === 'POSITIVE' ? 1 : 0));
    const recipe = splitIndices(ids, 2, { validation: SENTIMENT_RECIPE.validation, seed: SENTIMENT_RECIPE.seed });
    const [test, train] = await Promise.all([loadDatasetSplit('rt-polarity:test'), loadDatasetSplit('rt-polarity:train')]);
    expect(test.dataset.classes).toEqual(['NEGATIVE', 'POSITIVE']);
    expect(test.dataset.inputs).toEqual(recipe.validation.map((i) => texts[i]));
    expect(Array.from(test.dataset.labels)).toEqual(recipe.validation.map((i) => ids[i]));
    expect(train.dataset.inputs).toEqual(recipe.train.map((i) => texts[i]));
    expect([test.dataset.size, train.dataset.size]).toEqual([1066, 9596]);
    // No sentence of the test split is in the training one, not even as a duplicate line of the corpus.
    const trained = new Set(train.dataset.inputs);
    expect(test.dataset.inputs!.filter((t) => trained.has(t)).length).toBeLessThanOrEqual(test.dataset.inputs!.length * 0.01);
  });

  it("a training config on it is refused before any weights train: a text set's features are empty", async () => {
    const data = { type: 'text-polarity', positive: join(POLARITY!, 'rt-polarity.pos'), negative: join(POLARITY!, 'rt-polarity.neg') };
    const config = parseTrainConfig({ data, model: { architecture: 'mlp' }, epochs: 1 }, 'test config');
    await expect(trainFromConfig(config)).rejects.toMatchObject({ code: 'DATASET_INVALID', message: expect.stringMatching(/has no features \(its examples are texts/) });
  });

  it('a misspelt key of a text-polarity config is refused by name', () => {
    const parsed = trainConfigSchema.safeParse({ data: { type: 'text-polarity', postive: 'p', negative: 'n' }, model: { architecture: 'mlp' } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.filter((i) => i.path[0] === 'data').map((i) => i.message).join()).toMatch(/postive/);
  });
});
