import { createRng, RNG_STREAM } from '@dlkit/core';
import { indexLinearVocabulary, LINEAR_DEFAULTS, sparseWindow, termCounts, type LinearIndex, type LinearVocabulary } from '../text-model/linear-features.js';
import type { LinearWeights } from '../text-model/linear-network.js';
import { tokenWindows } from '../text-model/vocabulary.js';
import { fitLogistic, parameterCount, predictLogistic, type LinearRows } from './logistic.js';

/** Pretrained word vectors laid out as an embedding table: row i + 2 is words[i]; rows 0 and 1 are zero. */
export interface VectorTable {
  words: string[];
  dimensions: number;
  table: Float32Array;
}

/** One point of the grid searched by cross-validation. */
export interface LinearConfig {
  /** Inverse regularisation strength (scikit-learn's C). */
  c: number;
  /** Weight of the mean word vector block against the two TF-IDF blocks (each of norm 1); 0 leaves it out. */
  vectors: number;
}

export interface LinearSelection {
  folds: number;
  /** Cross-validated accuracy of each configuration tried. */
  grid: Array<LinearConfig & { accuracy: number; logLoss: number }>;
  chosen: LinearConfig;
  /** Logits are divided by this (fitted on the out-of-fold predictions) so that scores are calibrated. */
  temperature: number;
  /** Out-of-fold log-loss before and after the temperature. */
  logLoss: { raw: number; calibrated: number };
}

export interface LinearTextModel {
  vocabulary: LinearVocabulary;
  weights: LinearWeights;
  selection: LinearSelection;
}

const C_GRID = [1, 10, 100];
const VECTOR_GRID = [0, 1, 3];
/** Features seen in one window only are kept for small data (every n-gram counts) and dropped above this. */
const MIN_DF_ONE_UP_TO = 300;
/**
 * The most frequent features kept: L-BFGS's time is in vector passes over the weights, so this bounds a fit
 * (long e-mails gave ~200,000 character n-grams, mostly seen once, and minutes of cross-validation).
 */
const MAX_FEATURES = 50_000;
const FEW_ROWS = 300;

interface Windows {
  tokens: string[][];
  /** Text index of each window, and its token count (its weight when windows are averaged). */
  text: Int32Array;
  weight: Float64Array;
}

function windowsOf(texts: readonly string[], window: number): Windows {
  const tokens: string[][] = [];
  const text: number[] = [];
  texts.forEach((t, i) => {
    for (const w of tokenWindows(t, window)) {
      tokens.push(w);
      text.push(i);
    }
  });
  return { tokens, text: Int32Array.from(text), weight: Float64Array.from(tokens, (t) => t.length) };
}

/** Features and their smoothed idf (scikit-learn's: ln((1 + n) / (1 + df)) + 1), windows as documents. */
function buildVocabulary(windows: Windows, texts: number, vectors: VectorTable | undefined): LinearVocabulary {
  const df = new Map<string, number>();
  for (const tokens of windows.tokens) for (const term of termCounts(tokens).keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const minDf = texts <= MIN_DF_ONE_UP_TO ? 1 : 2;
  // A stable sort: the same data gives the same feature ids.
  const kept = [...df].filter(([, n]) => n >= minDf).sort((a, b) => b[1] - a[1]).slice(0, MAX_FEATURES);
  const n = windows.tokens.length;
  return {
    kind: 'linear',
    window: LINEAR_DEFAULTS.window,
    slots: LINEAR_DEFAULTS.slots,
    features: kept.map(([f]) => f),
    idf: kept.map(([, d]) => Math.log((1 + n) / (1 + d)) + 1),
    words: vectors?.words ?? [],
    wordScale: 0,
  };
}

/** Mean word vector of each window (unit weight per known word), and the mean norm of those vectors. */
function meanVectors(index: LinearIndex, windows: Windows, vectors: VectorTable): { dense: Float32Array; norm: number } {
  const D = vectors.dimensions;
  const dense = new Float32Array(windows.tokens.length * D);
  let norms = 0;
  windows.tokens.forEach((tokens, r) => {
    const ids = tokens.map((t) => index.wordIds.get(t)).filter((id): id is number => id !== undefined);
    const row = dense.subarray(r * D, (r + 1) * D);
    for (const id of ids) for (let d = 0; d < D; d++) row[d]! += vectors.table[id * D + d]! / ids.length;
    norms += Math.hypot(...row);
  });
  return { dense, norm: norms / Math.max(1, windows.tokens.length) || 1 };
}

function rowsOf(index: LinearIndex, windows: Windows, labels: readonly number[], classes: number): LinearRows {
  const sparse = windows.tokens.map((tokens) => sparseWindow(index, tokens));
  return {
    ids: sparse.map((s) => s.ids),
    values: sparse.map((s) => s.values),
    dimensions: 0,
    labels: Int32Array.from(windows.text, (t) => labels[t]!),
    classes,
    features: index.vocabulary.features.length + 1,
  };
}

function withVectors(rows: LinearRows, dense: Float32Array | undefined, dimensions: number, scale: number): LinearRows {
  if (!dense || scale === 0) return { ...rows, dimensions: 0, dense: undefined };
  return { ...rows, dimensions, dense: Float32Array.from(dense, (v) => v * scale) };
}

/** Stratified folds of the texts (fold of each text), k at most the smallest class count. */
function stratifiedFolds(labels: readonly number[], classes: number, k: number, seed: number): Int32Array {
  const rng = createRng(seed, RNG_STREAM.split, 7);
  const fold = new Int32Array(labels.length);
  for (let c = 0; c < classes; c++) {
    const members = labels.flatMap((l, i) => (l === c ? [i] : []));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    members.forEach((i, j) => (fold[i] = j % k));
  }
  return fold;
}

/** Window probabilities averaged per text, weighted by token count (as the classifier scores a long text). */
function textProbabilities(windowProbs: Float64Array, windows: Windows, rowsIn: Int32Array, texts: number, classes: number): Float64Array {
  const out = new Float64Array(texts * classes);
  const total = new Float64Array(texts);
  rowsIn.forEach((r, i) => {
    const t = windows.text[r]!;
    total[t]! += windows.weight[r]!;
    for (let c = 0; c < classes; c++) out[t * classes + c]! += windows.weight[r]! * windowProbs[i * classes + c]!;
  });
  for (let t = 0; t < texts; t++) for (let c = 0; c < classes; c++) if (total[t]! > 0) out[t * classes + c]! /= total[t]!;
  return out;
}

function scoreTexts(probs: Float64Array, labels: readonly number[], classes: number, texts: readonly number[]): { accuracy: number; logLoss: number } {
  let correct = 0;
  let loss = 0;
  for (const t of texts) {
    const row = probs.subarray(t * classes, (t + 1) * classes);
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c]! > row[best]!) best = c;
    if (best === labels[t]) correct++;
    loss -= Math.log(Math.max(row[labels[t]!]!, 1e-12));
  }
  return { accuracy: correct / texts.length, logLoss: loss / texts.length };
}

/** Out-of-fold window logits of one configuration (rows x classes). */
function outOfFoldLogits(rows: LinearRows, windows: Windows, fold: Int32Array, k: number, c: number, starts: Float64Array[]): Float64Array {
  const C = rows.classes;
  const logits = new Float64Array(rows.labels.length * C);
  const lambda = 1 / c;
  for (let f = 0; f < k; f++) {
    const train = Int32Array.from(windows.text.keys()).filter((r) => fold[windows.text[r]!] !== f);
    const held = Int32Array.from(windows.text.keys()).filter((r) => fold[windows.text[r]!] === f);
    // Warm start from the same fold's fit at the previous (smaller) C: the grid costs a fraction of cold fits.
    const { theta } = fitLogistic(rows, train, lambda, starts[f]);
    starts[f] = theta;
    // Logits, not probabilities: the temperature is fitted on them afterwards.
    const probs = predictLogistic(rows, theta, held);
    held.forEach((r, i) => {
      for (let j = 0; j < C; j++) logits[r * C + j] = Math.log(Math.max(probs[i * C + j]!, 1e-300));
    });
  }
  return logits;
}

function softmaxRows(logits: Float64Array, classes: number, temperature: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r < logits.length / classes; r++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[r * classes + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[r * classes + c] = Math.exp(logits[r * classes + c]! / temperature - max);
    for (let c = 0; c < classes; c++) out[r * classes + c]! /= sum;
  }
  return out;
}

/**
 * The temperature that minimises the out-of-fold log-loss (golden-section search), kept in [1/4, 4]: with
 * ~50 rows the out-of-fold accuracy can fall below chance (a held-out fold tilts the training prior against
 * its own class), and an unbounded fit then flattens every score to 0.5 while the model is right 2 times in 3.
 */
function fitTemperature(nll: (temperature: number) => number): number {
  let lo = -Math.log(4);
  let hi = Math.log(4);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (nll(Math.exp(a)) < nll(Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.exp((lo + hi) / 2);
}

export interface TrainLinearOptions {
  texts: readonly string[];
  labels: readonly number[];
  classes: number;
  vectors?: VectorTable;
  seed: number;
  /** A selection already made (on a subset of these texts): refit with it instead of cross-validating again. */
  selection?: LinearSelection;
}

/**
 * Trains the linear text model: vocabulary from the training texts, the regularisation and the weight of the
 * word vectors chosen by stratified k-fold cross-validation on those texts, a temperature fitted on the
 * out-of-fold predictions, then a refit on every text. (The vocabulary and idf come from all training texts,
 * folds included: a held-out fold's unseen n-grams get no weight anyway.)
 */
export function trainLinearText(options: TrainLinearOptions): LinearTextModel {
  const { texts, labels, classes, vectors, seed } = options;
  const windows = windowsOf(texts, LINEAR_DEFAULTS.window);
  const vocabulary = buildVocabulary(windows, texts.length, vectors);
  const index = indexLinearVocabulary(vocabulary);
  const base = rowsOf(index, windows, labels, classes);
  const mean = vectors ? meanVectors(index, windows, vectors) : undefined;
  const smallest = Math.min(...Array.from({ length: classes }, (_, c) => labels.filter((l) => l === c).length));
  // 5 folds while every row counts; 3 above FEW_ROWS, where fits are costlier and folds larger anyway.
  const k = Math.min(texts.length <= FEW_ROWS ? 5 : 3, smallest);
  const allTexts = Array.from(texts.keys());
  const allRows = Int32Array.from(windows.text.keys());
  const vectorGrid = mean ? VECTOR_GRID : [0];
  const grid: LinearSelection['grid'] = [];
  let best: { config: LinearConfig; logits: Float64Array; accuracy: number; logLoss: number } | undefined;
  if (k >= 2 && !options.selection) {
    const fold = stratifiedFolds(labels, classes, k, seed);
    for (const weight of vectorGrid) {
      const rows = withVectors(base, mean?.dense, vectors?.dimensions ?? 0, weight / (mean?.norm ?? 1));
      const starts: Float64Array[] = [];
      for (const c of C_GRID) {
        const logits = outOfFoldLogits(rows, windows, fold, k, c, starts);
        const score = scoreTexts(textProbabilities(softmaxRows(logits, classes, 1), windows, allRows, texts.length, classes), labels, classes, allTexts);
        grid.push({ c, vectors: weight, ...score });
        const better = !best || score.accuracy > best.accuracy + 1e-9 || (Math.abs(score.accuracy - best.accuracy) <= 1e-9 && score.logLoss < best.logLoss);
        if (better) best = { config: { c, vectors: weight }, logits, ...score };
      }
    }
  }
  const selection = options.selection ?? select(best, grid, k, mean !== undefined, (t) => scoreTexts(textProbabilities(softmaxRows(best!.logits, classes, t), windows, allRows, texts.length, classes), labels, classes, allTexts).logLoss);
  const scale = selection.chosen.vectors / (mean?.norm ?? 1);
  const rows = withVectors(base, mean?.dense, vectors?.dimensions ?? 0, scale);
  const { theta } = fitLogistic(rows, allRows, 1 / selection.chosen.c);
  vocabulary.wordScale = rows.dense ? scale : 0;
  return { vocabulary, weights: toWeights(rows, theta, selection.temperature, rows.dense ? vectors : undefined), selection };
}

/** The best configuration and its temperature; too few texts of some class to cross-validate: the grid's middle, uncalibrated. */
function select(
  best: { config: LinearConfig } | undefined,
  grid: LinearSelection['grid'],
  k: number,
  hasVectors: boolean,
  nll: (temperature: number) => number,
): LinearSelection {
  if (!best) return { folds: 0, grid, chosen: { c: 10, vectors: hasVectors ? 1 : 0 }, temperature: 1, logLoss: { raw: NaN, calibrated: NaN } };
  const temperature = fitTemperature(nll);
  return { folds: k, grid, chosen: best.config, temperature, logLoss: { raw: nll(1), calibrated: nll(temperature) } };
}

/** The fitted parameters as the network's weights, divided by the temperature. */
function toWeights(rows: LinearRows, theta: Float64Array, temperature: number, vectors: VectorTable | undefined): LinearWeights {
  const C = rows.classes;
  const F = rows.features;
  const D = rows.dimensions;
  const scaled = Float32Array.from(theta.subarray(0, parameterCount(rows)), (v) => v / temperature);
  return {
    classes: C,
    ngrams: scaled.slice(0, F * C),
    bias: scaled.slice((F + D) * C),
    ...(vectors && D > 0 ? { vectors: { dimensions: D, table: vectors.table, weights: scaled.slice(F * C, (F + D) * C) } } : {}),
  };
}

/** Class probabilities of texts under a trained linear model (texts x classes), as the saved network gives them. */
export function linearProbabilities(model: LinearTextModel, texts: readonly string[]): Float64Array {
  const index = indexLinearVocabulary(model.vocabulary);
  const windows = windowsOf(texts, model.vocabulary.window);
  const C = model.weights.classes;
  const rows = rowsOf(index, windows, texts.map(() => 0), C);
  const vectors = model.weights.vectors;
  const theta = new Float64Array([...model.weights.ngrams, ...(vectors?.weights ?? []), ...model.weights.bias]);
  let dense: Float32Array | undefined;
  if (vectors) {
    dense = meanVectors(index, windows, { words: model.vocabulary.words, dimensions: vectors.dimensions, table: vectors.table }).dense;
    for (let i = 0; i < dense.length; i++) dense[i]! *= model.vocabulary.wordScale;
  }
  const full = { ...rows, dimensions: vectors ? vectors.dimensions : 0, dense };
  const allRows = Int32Array.from(windows.text.keys());
  return textProbabilities(predictLogistic(full, theta, allRows), windows, allRows, texts.length, C);
}
