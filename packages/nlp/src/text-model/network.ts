import { createRng, RNG_STREAM, selectTfjsBackend, withSeededMathRandom, type LayersModel } from '@dlkit/core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { featureLength, type TextVocabulary } from './vocabulary.js';

/**
 * The text classifier: two branches on one input (word ids | n-gram ids), trained one after the other and
 * averaged.
 * - `cnn`: word embeddings (initialised from pretrained vectors) and 1-D convolutions of several widths with
 *   max-over-time pooling, as in Kim 2014.
 * - `bag`: logistic regression on the n-grams present, each scaled by its naive-Bayes log-count ratio (frozen),
 *   as in Wang & Manning 2012 (NBSVM) — strong on short texts where the CNN is weak, and the reverse.
 * Both are plain tfjs layers, so the saved model loads with `tf.loadLayersModel`.
 */
export interface TextNetwork {
  full: LayersModel;
  cnn: LayersModel;
  bag: LayersModel;
}

export interface TextNetworkOptions {
  vocabulary: TextVocabulary;
  classes: number;
  seed: number;
  /** Word embedding width (that of the pretrained vectors). */
  dimensions?: number;
  filters?: number;
  widths?: number[];
}

/** Layer names that training and transfer address. */
export const LAYER = {
  words: 'word_embedding',
  ratios: 'ngram_ratios',
  ngrams: 'ngram_weights',
  conv: (width: number) => `conv_${width}`,
} as const;

export const NETWORK_DEFAULTS = { dimensions: 100, filters: 100, widths: [3, 4, 5] } as const;

export async function buildTextNetwork(options: TextNetworkOptions): Promise<TextNetwork> {
  await selectTfjsBackend();
  const tfl = await import('@tensorflow/tfjs-layers');
  const L = tfl.layers;
  const { vocabulary, classes } = options;
  const dimensions = options.dimensions ?? NETWORK_DEFAULTS.dimensions;
  const filters = options.filters ?? NETWORK_DEFAULTS.filters;
  const widths = options.widths ?? NETWORK_DEFAULTS.widths;
  const length = featureLength(vocabulary);
  const build = (): TextNetwork => {
    const input = tfl.input({ shape: [length], name: 'features' });
    const column = L.reshape({ targetShape: [length, 1, 1] }).apply(input);
    const slice = (start: number, size: number) =>
      L.reshape({ targetShape: [size] }).apply(
        L.cropping2D({ cropping: [[start, length - start - size], [0, 0]] }).apply(column),
      ) as SymbolicTensor;
    const words = slice(0, vocabulary.window);
    const ngrams = slice(vocabulary.window, vocabulary.maxNgrams);

    let embedded = L.embedding({ inputDim: vocabulary.words.length + 2, outputDim: dimensions, name: LAYER.words }).apply(words);
    embedded = L.dropout({ rate: 0.25 }).apply(embedded);
    const pooled = widths.map((width) =>
      L.globalMaxPooling1d().apply(
        L.conv1d({ filters, kernelSize: width, activation: 'relu', padding: 'same', name: LAYER.conv(width) }).apply(embedded),
      ),
    ) as SymbolicTensor[];
    const cnnOut = L.dense({ units: classes, activation: 'softmax', name: 'cnn_output' }).apply(
      L.dropout({ rate: 0.5 }).apply(L.concatenate().apply(pooled)),
    ) as SymbolicTensor;

    const inputDim = vocabulary.ngrams.length + 1;
    const ratios = L.embedding({ inputDim, outputDim: classes, trainable: false, embeddingsInitializer: 'zeros', name: LAYER.ratios }).apply(ngrams);
    const weights = L.embedding({ inputDim, outputDim: classes, embeddingsInitializer: 'zeros', name: LAYER.ngrams }).apply(ngrams);
    const summed = L.globalAveragePooling1d().apply(L.multiply().apply([weights, ratios] as SymbolicTensor[]));
    const bagOut = L.dense({ units: classes, activation: 'softmax', kernelInitializer: 'identity', name: 'bag_output' }).apply(
      summed,
    ) as SymbolicTensor;

    const full = L.average({ name: 'ensemble' }).apply([cnnOut, bagOut]) as SymbolicTensor;
    return {
      full: tfl.model({ inputs: input, outputs: full, name: 'text_classifier' }),
      cnn: tfl.model({ inputs: input, outputs: cnnOut }),
      bag: tfl.model({ inputs: input, outputs: bagOut }),
    };
  };
  return withSeededMathRandom(createRng(options.seed, RNG_STREAM.init), build);
}
