import { saveLayersModel, type LoadedManifest } from '@dlkit/core';
import { VOCABULARY_FILE } from './classifier.js';
import { NETWORK_DEFAULTS } from './network.js';
import type { TrainTextResult } from './train.js';

export interface SaveTextModelOptions {
  name: string;
  source: string;
  license: string;
  /** What the data was and the command that reproduces the model. */
  data: string;
  command: string;
  /** Where the word embeddings started from. */
  embeddings: string;
  /** The lexicon saved with the model (lexicon.json), if any: what it is and how it is combined. */
  lexicon?: string;
  /** Figures measured by the caller on the whole pipeline (e.g. with the lexicon), beside the network's own. */
  metrics?: Record<string, number>;
  extraFiles?: Record<string, string>;
}

/** Saves a trained text classifier as a dlkit model folder (tfjs layers + vocabulary.json + dlkit.json). */
export async function saveTextModel(result: TrainTextResult, dir: string, options: SaveTextModelOptions): Promise<LoadedManifest> {
  const { split, vocabulary } = result;
  const last = (fit: TrainTextResult['cnn']) => fit.history.at(-1);
  return saveLayersModel(result.network.full, dir, {
    name: options.name,
    task: 'text-classification',
    labels: result.classes,
    input: { kind: 'text', window: vocabulary.window, words: vocabulary.words.length, ngrams: vocabulary.ngrams.length },
    source: options.source,
    license: options.license,
    metrics: {
      validationAccuracy: result.validation.accuracy,
      validationMacroF1: result.validation.macroF1,
      validationCount: result.validation.count,
      cnnValidationAccuracy: result.cnn.validation?.accuracy,
      ngramValidationAccuracy: result.bag.validation?.accuracy,
      cnnTrainAccuracy: last(result.cnn)?.accuracy,
      ngramTrainAccuracy: last(result.bag)?.accuracy,
      seconds: Math.round(result.seconds),
      ...options.metrics,
    },
    training: {
      data: `${options.data}; split ${1 - split.fraction}/${split.fraction} stratified by seed ${split.seed}: ${split.train} train, ${split.validation} held out`,
      seed: split.seed,
      epochs: { cnn: result.cnn.epochs, ngrams: result.bag.epochs },
      architecture: `ensemble (mean of probabilities): CNN over ${vocabulary.window}-token windows (embeddings ${vocabulary.words.length + 2} words, dropout 0.25, conv1d ${NETWORK_DEFAULTS.filters} x widths ${NETWORK_DEFAULTS.widths.join('/')} relu, max over time, dropout 0.5, softmax) + NB-weighted logistic regression on ${vocabulary.ngrams.length} uni/bi/tri-grams`,
      embeddings: options.embeddings,
      ...(options.lexicon ? { lexicon: options.lexicon } : {}),
      command: options.command,
    },
    extraFiles: { [VOCABULARY_FILE]: JSON.stringify(vocabulary), ...options.extraFiles },
  });
}
