import { availableParallelism } from 'node:os';
import {
  classesOf,
  cosineDecay,
  createRng,
  DlError,
  evaluate,
  fit,
  fromArrays,
  RNG_STREAM,
  selectTfjsBackend,
  splitIndices,
  terminateOnNaN,
  type Callback,
  type ClassificationReport,
  type Dataset,
  type FitResult,
  type LayersModel,
} from '@dlkit/core';
import { tokenize } from '../text/tokenize.js';
import { buildTextNetwork, LAYER, NETWORK_DEFAULTS, type TextNetwork } from './network.js';
import {
  buildVocabulary,
  DEFAULT_WINDOW,
  encodeWindow,
  featureLength,
  indexVocabulary,
  PAD,
  tokenWindows,
  type TextVocabulary,
} from './vocabulary.js';
import type { WordVectors } from './word-vectors.js';

/** A trained text model to start from: its word embeddings and convolutions are copied (transfer learning). */
export interface BaseTextModel {
  model: LayersModel;
  vocabulary: TextVocabulary;
}

export interface TrainTextOptions {
  texts: readonly string[];
  /** Class name of each text. */
  labels: readonly string[];
  /** Class order (default: numbers in order, else names sorted). */
  classes?: readonly string[];
  /** Fraction held out, stratified by a seeded shuffle (default 0.1). */
  validation?: number;
  seed?: number;
  /** Pretrained vectors for the word embeddings (their words join the vocabulary when seen once). */
  vectors?: WordVectors;
  /** How many of the vectors' most frequent words join the vocabulary unseen (default 0). */
  extraWords?: number;
  base?: BaseTextModel;
  /** Labelled texts added to the training side only (never held out, so the split of `texts` is unchanged). */
  augment?: { texts: readonly string[]; labels: readonly string[] };
  /** Epochs of the convolutional branch, then of the n-gram branch. */
  epochs?: { cnn: number; bag: number };
  batchSize?: number;
  learningRate?: { cnn: number; bag: number };
  /** Gradient threads (see core's `fit`). */
  workers?: number;
  window?: number;
  callbacks?: Callback[];
  signal?: AbortSignal;
}

export interface TrainTextResult {
  network: TextNetwork;
  vocabulary: TextVocabulary;
  classes: string[];
  cnn: FitResult;
  bag: FitResult;
  /** The averaged model on the held-out texts' windows. */
  validation: ClassificationReport;
  /** Split sizes and what they were drawn with, for the manifest. */
  split: { train: number; validation: number; seed: number; fraction: number };
  seconds: number;
}

export const TEXT_TRAINING_DEFAULTS = {
  validation: 0.1,
  seed: 42,
  epochs: { cnn: 6, bag: 10 },
  batchSize: 50,
  learningRate: { cnn: 1e-3, bag: 1e-2 },
  workers: 2,
} as const;

type Example = { tokens: string[]; label: number };

/** The labelled texts as token windows, split into training (plus any augmenting texts) and validation. */
function labelledExamples(options: TrainTextOptions, classes: readonly string[], seed: number, fraction: number) {
  const idsOf = (labels: readonly string[], what: string) =>
    labels.map((label, i) => {
      const id = classes.indexOf(label);
      if (id < 0) throw new DlError('DATASET_INVALID', `${what} ${i + 1} has label '${label}', not one of ${classes.join(', ')}`);
      return id;
    });
  const labelIds = idsOf(options.labels, 'Text');
  if (classes.length < 2) throw new DlError('DATASET_INVALID', `A classifier needs at least two classes; the data has ${classes.join(', ') || 'none'}`);
  const window = options.window ?? options.base?.vocabulary.window ?? DEFAULT_WINDOW;
  const windows = options.texts.map((text) => tokenWindows(text, window));
  const split = splitIndices(labelIds, classes.length, { validation: fraction, seed }, 'texts');
  const examples = (indices: number[]): Example[] => indices.flatMap((i) => windows[i]!.map((tokens) => ({ tokens, label: labelIds[i]! })));
  const augmentIds = options.augment ? idsOf(options.augment.labels, 'Augmenting text') : [];
  const augmented = (options.augment?.texts ?? []).flatMap((text, i) => tokenWindows(text, window).map((tokens) => ({ tokens, label: augmentIds[i]! })));
  const train = [...examples(split.train), ...augmented];
  const validation = examples(split.validation);
  if (train.length === 0 || validation.length === 0) {
    throw new DlError('DATASET_INVALID', 'The texts have no words to learn from (every text is empty or punctuation)');
  }
  return { window, split, train, validation };
}

/** The vocabulary of the training windows (known words: the pretrained vectors' or the base model's). */
function trainingVocabulary(options: TrainTextOptions, train: readonly Example[], window: number): TextVocabulary {
  const vectors = options.vectors;
  const baseWords = options.base ? new Set(options.base.vocabulary.words) : undefined;
  const known = vectors ? (w: string) => vectors.has(w) : baseWords ? (w: string) => baseWords.has(w) : undefined;
  const extraWords = vectors?.words.filter((w) => /^\p{L}+$/u.test(w)).slice(0, options.extraWords ?? 0);
  return buildVocabulary(train.map((e) => e.tokens), { window, ...(known ? { known } : {}), ...(extraWords ? { extraWords } : {}) });
}

function encodeExamples(vocabulary: TextVocabulary, index: ReturnType<typeof indexVocabulary>, items: readonly Example[], classes: readonly string[], what: string): Dataset {
  const width = featureLength(vocabulary);
  const features = new Float32Array(items.length * width);
  items.forEach((e, i) => encodeWindow(index, e.tokens, features.subarray(i * width, (i + 1) * width)));
  return fromArrays({ features, shape: [width], labels: items.map((e) => e.label), classes: [...classes], source: what });
}

/** The CNN branch, then the bag-of-n-grams branch, each with core's `fit`; an interrupted run is ABORTED. */
async function trainBranches(network: TextNetwork, train: Dataset, validation: Dataset, options: TrainTextOptions, seed: number) {
  const epochs = options.epochs ?? TEXT_TRAINING_DEFAULTS.epochs;
  const learningRate = options.learningRate ?? TEXT_TRAINING_DEFAULTS.learningRate;
  const common = {
    batchSize: options.batchSize ?? TEXT_TRAINING_DEFAULTS.batchSize,
    seed,
    validation,
    // The default 2 threads, unless this machine has fewer cores (fit refuses more workers than cores).
    workers: options.workers ?? Math.min(TEXT_TRAINING_DEFAULTS.workers, availableParallelism()),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const callbacks = [terminateOnNaN(), cosineDecay(), ...(options.callbacks ?? [])];
  const cnn = await fit(network.cnn, train, { ...common, epochs: epochs.cnn, optimizer: { name: 'adam', learningRate: learningRate.cnn }, callbacks });
  if (cnn.stopReason === 'aborted') throw new DlError('ABORTED', 'Training was interrupted');
  const bag = await fit(network.bag, train, { ...common, epochs: epochs.bag, optimizer: { name: 'adam', learningRate: learningRate.bag }, callbacks });
  if (bag.stopReason === 'aborted') throw new DlError('ABORTED', 'Training was interrupted');
  return { cnn, bag };
}

/**
 * Trains the text classifier of `network.ts` on labelled texts: splits off a validation set, builds the
 * vocabulary from the training texts only, initialises the word embeddings (pretrained vectors, a base model or
 * random) and the n-gram ratios, then trains the two branches one after the other with core's `fit`.
 */
export async function trainTextClassifier(options: TrainTextOptions): Promise<TrainTextResult> {
  const started = performance.now();
  if (options.texts.length !== options.labels.length) {
    throw new DlError('DATASET_INVALID', `${options.texts.length} texts for ${options.labels.length} labels`);
  }
  const classes = [...(options.classes ?? classesOf(options.labels))];
  const seed = options.seed ?? TEXT_TRAINING_DEFAULTS.seed;
  const fraction = options.validation ?? TEXT_TRAINING_DEFAULTS.validation;
  const examples = labelledExamples(options, classes, seed, fraction);
  const vocabulary = trainingVocabulary(options, examples.train, examples.window);
  const index = indexVocabulary(vocabulary);
  const train = encodeExamples(vocabulary, index, examples.train, classes, `${examples.split.train.length} training texts`);
  const validation = encodeExamples(vocabulary, index, examples.validation, classes, `${examples.split.validation.length} held-out texts`);

  const dimensions = options.base ? embeddingWidth(options.base.model) : options.vectors?.dimensions ?? NETWORK_DEFAULTS.dimensions;
  const network = await buildTextNetwork({ vocabulary, classes: classes.length, seed, dimensions });
  try {
    await initialiseWords(network.full, vocabulary, seed, options);
    await initialiseRatios(network.full, train, vocabulary);
    const { cnn, bag } = await trainBranches(network, train, validation, options, seed);
    const { report } = await evaluate(network.full, validation);
    const split = { train: examples.split.train.length, validation: examples.split.validation.length, seed, fraction };
    return { network, vocabulary, classes, cnn, bag, validation: report, split, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    disposeNetwork(network);
    throw error;
  }
}

export function disposeNetwork(network: TextNetwork): void {
  // The branch models share the full model's layers: disposing the full model frees every weight.
  network.full.dispose();
}

function embeddingWidth(model: LayersModel): number {
  const shape = model.getLayer(LAYER.words).getWeights()[0]?.shape;
  if (shape?.length !== 2) throw new DlError('MODEL_INVALID', `The base model has no ${LAYER.words} layer`);
  return shape[1]!;
}

/**
 * Word embeddings: a base model's row for each word it knows, else the pretrained vector, else uniform in
 * +-0.25 (Kim 2014's choice for words without a vector); the padding row is zero. With a base model its
 * convolutions are copied too.
 */
async function initialiseWords(model: LayersModel, vocabulary: TextVocabulary, seed: number, options: TrainTextOptions): Promise<void> {
  const { tf } = await selectTfjsBackend();
  const layer = model.getLayer(LAYER.words);
  const [rows, width] = layer.getWeights()[0]!.shape as [number, number];
  const matrix = new Float32Array(rows * width);
  const rng = createRng(seed, RNG_STREAM.init, 1);
  for (let i = width; i < matrix.length; i++) matrix[i] = (rng() * 2 - 1) * 0.25;
  let baseRows: Map<string, Float32Array> | undefined;
  if (options.base) {
    const base = options.base.model.getLayer(LAYER.words).getWeights()[0]!.dataSync() as Float32Array;
    baseRows = new Map(options.base.vocabulary.words.map((w, i) => [w, base.subarray((i + 2) * width, (i + 3) * width)]));
    matrix.set(base.subarray(width, 2 * width), width); // the unknown-word row
    for (const w of NETWORK_DEFAULTS.widths) {
      const conv = options.base.model.getLayer(LAYER.conv(w)).getWeights();
      model.getLayer(LAYER.conv(w)).setWeights(conv);
    }
  }
  vocabulary.words.forEach((word, i) => {
    const vector = baseRows?.get(word) ?? options.vectors?.vectors.get(word);
    if (vector) matrix.set(vector, (i + 2) * width);
  });
  const tensor = tf.tensor2d(matrix, [rows, width]);
  layer.setWeights([tensor]);
  tensor.dispose();
}

/**
 * The frozen n-gram scales: per class, the naive-Bayes log-count ratio of texts of that class containing the
 * n-gram against texts of the other classes (add-one smoothed), times the slot count so that the branch's
 * average pooling sums.
 */
async function initialiseRatios(model: LayersModel, train: Dataset, vocabulary: TextVocabulary): Promise<void> {
  const { tf } = await selectTfjsBackend();
  const classes = train.classes.length;
  const rows = vocabulary.ngrams.length + 1;
  const counts = new Float64Array(rows * classes);
  const features = await train.read(Array.from({ length: train.size }, (_, i) => i));
  const width = featureLength(vocabulary);
  for (let n = 0; n < train.size; n++) {
    const label = train.labels[n]!;
    for (let s = vocabulary.window; s < width; s++) {
      const id = features[n * width + s]!;
      if (id === PAD) break;
      counts[id * classes + label] = counts[id * classes + label]! + 1;
    }
  }
  const totals = new Float64Array(classes);
  let all = 0;
  for (let id = 1; id < rows; id++) for (let c = 0; c < classes; c++) totals[c] = totals[c]! + counts[id * classes + c]! + 1;
  for (let c = 0; c < classes; c++) all += totals[c]!;
  const ratios = new Float32Array(rows * classes);
  for (let id = 1; id < rows; id++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += counts[id * classes + c]!;
    for (let c = 0; c < classes; c++) {
      const p = counts[id * classes + c]! + 1;
      const q = sum - counts[id * classes + c]! + (classes - 1);
      const r = Math.log(p / totals[c]!) - Math.log(q / (all - totals[c]!));
      ratios[id * classes + c] = r * vocabulary.maxNgrams;
    }
  }
  const tensor = tf.tensor2d(ratios, [rows, classes]);
  model.getLayer(LAYER.ratios).setWeights([tensor]);
  tensor.dispose();
}
