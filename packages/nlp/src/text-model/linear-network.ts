import { selectTfjsBackend, type LayersModel } from '@dlkit/core';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { linearFeatureLength, type LinearVocabulary } from './linear-features.js';

/** Weights of a trained linear text model (already divided by the calibration temperature). */
export interface LinearWeights {
  classes: number;
  /** (features + 1) x classes; row 0 (padding) is zero. */
  ngrams: Float32Array;
  bias: Float32Array;
  /** With word vectors: (words + 2) x dimensions (rows 0 and 1 zero) and dimensions x classes. */
  vectors?: { dimensions: number; table: Float32Array; weights: Float32Array };
}

/**
 * The linear model as plain tfjs layers, so that it saves and loads as the CNN model does (`tfjs-layers` in
 * dlkit.json with sha256s) and runs through the same classifier: logits = sum of n-gram values x their
 * weights + (weighted mean of frozen word vectors) x weights + bias, then softmax.
 */
export async function buildLinearNetwork(vocabulary: LinearVocabulary, weights: LinearWeights): Promise<LayersModel> {
  const { tf } = await selectTfjsBackend();
  const tfl = await import('@tensorflow/tfjs-layers');
  const L = tfl.layers;
  const { slots, window } = vocabulary;
  const length = linearFeatureLength(vocabulary);
  const input = tfl.input({ shape: [length], name: 'features' });
  const column = L.reshape({ targetShape: [length, 1, 1] }).apply(input);
  const slice = (start: number, size: number) =>
    L.reshape({ targetShape: [size] }).apply(L.cropping2D({ cropping: [[start, length - start - size], [0, 0]] }).apply(column)) as SymbolicTensor;
  const C = weights.classes;
  const ngramWeights = L.embedding({ inputDim: vocabulary.features.length + 1, outputDim: C, name: 'ngram_weights' });
  const ngramLogits = L.dot({ axes: 1 }).apply([slice(slots, slots), ngramWeights.apply(slice(0, slots)) as SymbolicTensor]) as SymbolicTensor;
  const terms: SymbolicTensor[] = [ngramLogits];
  let vectorLayers: { table: ReturnType<typeof L.embedding>; dense: ReturnType<typeof L.dense> } | undefined;
  if (weights.vectors) {
    const table = L.embedding({ inputDim: vocabulary.words.length + 2, outputDim: weights.vectors.dimensions, trainable: false, name: 'word_vectors' });
    const mean = L.dot({ axes: 1 }).apply([slice(2 * slots + window, window), table.apply(slice(2 * slots, window)) as SymbolicTensor]);
    const dense = L.dense({ units: C, useBias: false, name: 'vector_weights' });
    terms.push(dense.apply(mean) as SymbolicTensor);
    vectorLayers = { table, dense };
  }
  const biasLayer = L.dense({ units: C, name: 'bias', kernelInitializer: 'zeros' });
  // Layers has no bias-only layer: a dense with a zero kernel over the n-gram logits adds the bias.
  terms.push(biasLayer.apply(ngramLogits) as SymbolicTensor);
  const logits = L.add().apply(terms) as SymbolicTensor;
  const output = L.activation({ activation: 'softmax', name: 'probabilities' }).apply(logits) as SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: output, name: 'linear_text_classifier' });
  const set = (layer: { setWeights(w: import('@tensorflow/tfjs-core').Tensor[]): void }, ...tensors: import('@tensorflow/tfjs-core').Tensor[]) => {
    layer.setWeights(tensors);
    tensors.forEach((t) => t.dispose());
  };
  set(ngramWeights, tf.tensor2d(weights.ngrams, [vocabulary.features.length + 1, C]));
  set(biasLayer, tf.zeros([C, C]), tf.tensor1d(weights.bias));
  if (vectorLayers && weights.vectors) {
    set(vectorLayers.table, tf.tensor2d(weights.vectors.table, [vocabulary.words.length + 2, weights.vectors.dimensions]));
    set(vectorLayers.dense, tf.tensor2d(weights.vectors.weights, [weights.vectors.dimensions, C]));
  }
  return model;
}
