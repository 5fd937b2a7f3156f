import { registerDatasetLoader, type Dataset, type DatasetLoader } from '@dlkit/core';
import { z } from 'zod';
import { loadPolarityData } from './train-sentiment.js';

const CLASSES = ['NEGATIVE', 'POSITIVE'] as const;

// Strict: a misspelt key (`"postive"`) is an error naming it, not a default.
const polaritySchema = z.strictObject({ type: z.literal('text-polarity'), positive: z.string(), negative: z.string() });

/**
 * Two files of one text per line, positive and negative, as a Dataset whose `inputs` are the texts (negative
 * first, as `dl train sentiment` reads rt-polarity, so the registry's seeded cut is the recipe's). Its features are
 * empty: a text classifier makes its own from its vocabulary, so these sets are for evaluating, not `fit`.
 */
export async function polarityDataset(negative: string, positive: string): Promise<Dataset> {
  const { texts, labels } = await loadPolarityData('', { negative, positive });
  return {
    size: texts.length,
    featureShape: [0],
    classes: [...CLASSES],
    labels: Int32Array.from(labels, (l) => CLASSES.indexOf(l as (typeof CLASSES)[number])),
    inputs: texts,
    source: `${texts.length} sentences of ${negative} and ${positive}`,
    read: async () => new Float32Array(0),
  };
}

const polarity: DatasetLoader<z.infer<typeof polaritySchema>> = {
  schema: polaritySchema,
  task: 'text-classification',
  load: async (data, at) => ({ dataset: await polarityDataset(at(data.negative), at(data.positive)), input: { kind: 'text' } }),
};

/** Makes the registry's rt-polarity (`text-polarity`) readable; @dlkit/nlp's entry point runs it on import. */
export function registerNlpDatasets(): void {
  registerDatasetLoader('text-polarity', polarity);
}
