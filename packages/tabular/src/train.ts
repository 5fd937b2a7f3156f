import { resolve } from 'node:path';
import {
  claimModelFolder,
  classesOf,
  createRng,
  DlError,
  earlyStopping,
  featureSize,
  fit,
  fromArrays,
  nearestName,
  RNG_STREAM,
  saveLayersModel,
  selectTfjsBackend,
  splitIndices,
  terminateOnNaN,
  withSeededMathRandom,
  type Callback,
  type Dataset,
  type EpochLogs,
  type LayersModel,
  type LoadedManifest,
} from '@dlkit/core';
import { assertNumeric, encodedWidth, encodeRow, fitEncodings, inferColumnType, isMissing, numberOf, TABLE_INPUT_KIND, type ColumnEncoding, type TableInput } from './preprocess.js';
import { clipped, type RawTable } from './table.js';

export type TabularTask = 'classification' | 'regression';

/** One network tried: hidden layer sizes (none: a linear model), dropout after each, Adam's learning rate. */
export interface MlpCandidate {
  hidden: number[];
  dropout: number;
  learningRate: number;
  /** AdamW's decoupled weight decay of the dense kernels (default 0: plain Adam). */
  weightDecay?: number;
  /**
   * Wide & deep (Cheng et al., 2016): a linear path from the inputs to the output is added to the hidden layers'
   * output, so that the network starts from, and can stay near, a linear model where the table is that simple.
   */
  wide?: boolean;
  /**
   * Added to the run's seed for this network's initial weights, shuffling and dropout (default 0): an average of
   * one network trained from several seeds.
   */
  seed?: number;
}

/**
 * The networks tried by default: two hidden layers with dropout, narrow and wide, and one small layer, each wide &
 * deep (small tables are often nearly linear), and a network with no hidden layer (a linear model, trained with
 * early stopping: shrunk as Ridge is), which anchors the average where the table is linear. Their average is kept
 * unless one is clearly better on validation. Chosen on development rows cut from the benchmark's training rows
 * (bench/tabular/tune.mjs), never on its test rows.
 */
export const DEFAULT_CANDIDATES: readonly MlpCandidate[] = [
  { hidden: [64, 32], dropout: 0.1, learningRate: 1e-3, wide: true },
  { hidden: [128, 64], dropout: 0.3, learningRate: 1e-3, wide: true },
  { hidden: [32], dropout: 0.1, learningRate: 3e-3, wide: true },
  { hidden: [], dropout: 0, learningRate: 1e-2 },
];

export interface TrainTabularOptions {
  /** The column to predict. */
  label: string;
  /** Default: regression when the label is numeric with more than 20 distinct values, else classification. */
  task?: TabularTask;
  /** Save the model there (a dlkit model folder). */
  out?: string;
  /** Replace a model already in `out` (default false: OUTPUT_EXISTS, before any training). */
  overwrite?: boolean;
  /** Most epochs per network (default 300); early stopping on the validation split usually ends sooner. */
  epochs?: number;
  /** Epochs without a better validation loss before stopping (default 20); the best epoch's weights are kept. */
  patience?: number;
  batchSize?: number;
  seed?: number;
  /** Fraction of the rows held out for validation (default 0.2; stratified by class). */
  validationFraction?: number;
  /** Rows of `table` to train on (default all): e.g. the training part of a fixed train/test split. */
  rows?: readonly number[];
  candidates?: readonly MlpCandidate[];
  /**
   * Keep the average of the networks trained (default true, with two or more) unless one is clearly better on the
   * validation rows; false: the network with the best validation figures.
   */
  ensemble?: boolean;
  /** Told which task was chosen and why, and what encoding left out. */
  onNote?: (message: string) => void;
  /** Told each network's validation figure as it is tried. */
  onCandidate?: (result: CandidateResult, index: number, total: number) => void;
  callbacks?: Callback[];
  signal?: AbortSignal;
}

export interface CandidateResult {
  /** The network, or the networks averaged (`ensemble`). */
  candidate?: MlpCandidate;
  ensemble?: MlpCandidate[];
  /** Epochs trained (an ensemble: none of its own) and the one whose weights were kept. */
  epochs: number;
  bestEpoch: number;
  /** Validation loss of the kept weights: cross-entropy, or MSE of the standardised target. */
  validationLoss: number;
  validationAccuracy?: number;
  validationR2?: number;
}

export interface TrainTabularResult {
  task: TabularTask;
  model: LayersModel;
  input: TableInput;
  /** Class names (classification). */
  classes: string[];
  chosen: CandidateResult;
  tried: CandidateResult[];
  split: { train: number; validation: number; seed: number };
  /** The table rows of each side of the split (indices into `table.rows`), e.g. for a comparison on the same rows. */
  rows: { train: number[]; validation: number[] };
  aborted: boolean;
  saved?: LoadedManifest;
}

/** The label column's index, or INVALID_ARGUMENT naming it with the closest column. */
function labelIndex(table: RawTable, label: string): number {
  const index = table.columns.indexOf(label);
  if (index >= 0) return index;
  const meant = nearestName(label, table.columns, 3);
  throw new DlError('INVALID_ARGUMENT', `${table.source} has no column '${label}' to predict${meant ? ` (did you mean '${meant}'?)` : ''}; its columns are ${clipped(table.columns.join(', '), 400)}`, {
    parameter: 'label',
    ...(meant ? { hint: { kind: 'did-you-mean' as const, value: meant } } : {}),
  });
}

/** Regression for a numeric label of many values, else classification; `why` says so in words. */
export function inferTask(values: readonly string[]): { task: TabularTask; why: string } {
  const distinct = new Set(values).size;
  const numeric = values.every((v) => numberOf(v) !== undefined);
  if (numeric && distinct > 20) return { task: 'regression', why: `numeric with ${distinct} distinct values` };
  return { task: 'classification', why: numeric ? `${distinct} distinct numbers` : `${distinct} distinct values` };
}

/** The label's values, checked: none missing, more than one value, not one row per class. */
function labelValues(table: RawTable, index: number, label: string, task: TabularTask | undefined): { values: string[]; task: TabularTask; why: string } {
  const values = table.rows.map((row) => row[index]!.trim());
  const missing = values.findIndex((v) => isMissing(v));
  if (missing >= 0) throw new DlError('DATASET_INVALID', `${table.source}:${table.lines[missing]}: the label '${label}' is missing; drop the row or fill it in`);
  const inferred = inferTask(values);
  const chosen = task ?? inferred.task;
  const distinct = new Set(values).size;
  if (distinct < 2) throw new DlError('DATASET_INVALID', `${table.source}: the label '${label}' has one value (${clipped(values[0]!)}) in every row: there is nothing to learn`);
  if (chosen === 'regression') assertNumeric(label, values, table.lines, table.source);
  else if (distinct === values.length) {
    throw new DlError('DATASET_INVALID', `${table.source}: every row has its own value of '${label}' (${distinct} rows, ${distinct} classes): a classifier needs several rows per class; is it an identifier, or a number to predict by regression?`);
  }
  return { values, task: chosen, why: task ? 'as asked' : inferred.why };
}

/** Feature columns: every column but the label, typed from their values; a mostly-numeric column must be all numbers. */
function featureColumns(table: RawTable, label: number) {
  return table.columns.flatMap((name, c) => {
    if (c === label) return [];
    const values = table.rows.map((row) => row[c]!);
    const type = inferColumnType(values);
    if (type === 'numeric') assertNumeric(name, values, table.lines, table.source);
    return [{ name, index: c, type }];
  });
}

/** Encoded features of the given rows. */
function encodeRows(table: RawTable, columns: readonly { index: number }[], encodings: readonly ColumnEncoding[], rows: readonly number[]): Float32Array {
  const width = encodedWidth(encodings);
  const out = new Float32Array(rows.length * width);
  // The notes are for prediction: in training a category past the cap encodes as none by design.
  const notes = { unseen: {} };
  rows.forEach((r, i) => encodeRow(encodings, columns.map((c) => table.rows[r]![c.index]), out, i * width, notes));
  return out;
}

interface Prepared {
  task: TabularTask;
  input: TableInput;
  classes: string[];
  train: Dataset;
  validation: Dataset;
  split: TrainTabularResult['split'];
  rows: TrainTabularResult['rows'];
}

/** Checks the table, splits it (seeded, stratified by class), fits the encodings on the training split only. */
export function prepareTable(table: RawTable, options: TrainTabularOptions): Prepared {
  const label = labelIndex(table, options.label);
  const { values, task, why } = labelValues(table, label, options.label, options.task);
  options.onNote?.(`task: ${task} (label '${options.label}': ${why})`);
  const columns = featureColumns(table, label);
  if (columns.length === 0) throw new DlError('DATASET_INVALID', `${table.source} has no columns besides the label '${options.label}'`);
  const rows = options.rows ?? table.rows.map((_, i) => i);
  if (rows.some((r) => !Number.isInteger(r) || r < 0 || r >= table.rows.length)) {
    throw new DlError('INVALID_ARGUMENT', `rows are indices into the table's ${table.rows.length} rows`, { parameter: 'rows' });
  }
  const classes = task === 'classification' ? classesOf(values) : [];
  const classOf = Int32Array.from(rows, (r) => (task === 'classification' ? classes.indexOf(values[r]!) : 0));
  const seed = options.seed ?? 0;
  const parts = splitIndices(classOf, Math.max(classes.length, 1), { validation: options.validationFraction ?? 0.2, seed, stratify: task === 'classification' }, table.source);
  const trainRows = parts.train.map((i) => rows[i]!);
  const validationRows = parts.validation.map((i) => rows[i]!);
  const { encodings, notes } = fitEncodings(columns.map((c) => ({ ...c, values: trainRows.map((r) => table.rows[r]![c.index]!) })));
  notes.forEach((n) => options.onNote?.(n));
  const width = encodedWidth(encodings);
  const numeric = (r: number) => numberOf(values[r])!;
  const target = task === 'regression' ? standardisation(trainRows.map(numeric)) : undefined;
  const dataset = (part: number[], what: string): Dataset => {
    const base = fromArrays({
      features: encodeRows(table, columns, encodings, part),
      shape: [width],
      labels: part.map((r) => (task === 'classification' ? classes.indexOf(values[r]!) : 0)),
      classes: task === 'classification' ? classes : ['value'],
      source: `${table.source} (${what} split, seed ${seed})`,
    });
    return target ? { ...base, classes: [], targets: Float32Array.from(part, (r) => (numeric(r) - target.mean) / target.std) } : base;
  };
  const input: TableInput = { kind: TABLE_INPUT_KIND, label: options.label, columns: encodings, features: encodings.map((e) => e.name), width, ...(target ? { target } : {}) };
  return {
    task,
    input,
    classes,
    train: dataset(trainRows, 'train'),
    validation: dataset(validationRows, 'validation'),
    split: { train: trainRows.length, validation: validationRows.length, seed },
    rows: { train: trainRows, validation: validationRows },
  };
}

function standardisation(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std: std > 1e-12 ? std : 1 };
}

type Tfl = typeof import('@tensorflow/tfjs-layers');
type SymbolicTensor = ReturnType<Tfl['input']>;

/**
 * One network's layers on `input`, named `<prefix>h<i>` (hidden), `<prefix>out` and `<prefix>wide`: ReLU hidden
 * layers with dropout, then one unit per class (logits) or one unit, plus the wide path. Named so that an
 * ensemble's branch takes the weights of the network trained alone.
 */
function branch(L: Tfl['layers'], input: SymbolicTensor, outputs: number, candidate: MlpCandidate, prefix: string): SymbolicTensor {
  let deep = input;
  candidate.hidden.forEach((units, i) => {
    deep = L.dense({ units, activation: 'relu', name: `${prefix}h${i}` }).apply(deep) as SymbolicTensor;
    if (candidate.dropout > 0) deep = L.dropout({ rate: candidate.dropout, name: `${prefix}drop${i}` }).apply(deep) as SymbolicTensor;
  });
  const out = L.dense({ units: outputs, name: `${prefix}out` }).apply(deep) as SymbolicTensor;
  if (!candidate.wide || candidate.hidden.length === 0) return out;
  const wide = L.dense({ units: outputs, name: `${prefix}wide` }).apply(input) as SymbolicTensor;
  return L.add({ name: `${prefix}sum` }).apply([out, wide]) as SymbolicTensor;
}

// An activation layer (not L.softmax): fit and the runners read a last layer's `activation` to know it gives probabilities.
const softmax = (L: Tfl['layers'], x: SymbolicTensor, name: string) => L.activation({ activation: 'softmax', name }).apply(x) as SymbolicTensor;

/** A seeded MLP of one candidate: softmax over the classes, or one linear unit (regression). */
async function buildMlp(width: number, outputs: number, candidate: MlpCandidate, seed: number): Promise<LayersModel> {
  await selectTfjsBackend();
  const tfl = await import('@tensorflow/tfjs-layers');
  return withSeededMathRandom(createRng(seed, RNG_STREAM.init), () => {
    const input = tfl.input({ shape: [width] });
    const logits = branch(tfl.layers, input, outputs, candidate, '');
    return tfl.model({ inputs: input, outputs: outputs === 1 ? logits : softmax(tfl.layers, logits, 'probabilities') });
  });
}

/**
 * The average of trained networks as one model (their probabilities, or their values): each branch is a network
 * with its trained weights. Small tables make single networks vary; their average varies less.
 */
async function buildEnsemble(width: number, outputs: number, members: readonly { candidate: MlpCandidate; model: LayersModel }[]): Promise<LayersModel> {
  const tfl = await import('@tensorflow/tfjs-layers');
  const L = tfl.layers;
  const input = tfl.input({ shape: [width] });
  const heads = members.map(({ candidate }, k) => {
    const logits = branch(L, input, outputs, candidate, `m${k}_`);
    return outputs === 1 ? logits : softmax(L, logits, `m${k}_probabilities`);
  });
  const ensemble = tfl.model({ inputs: input, outputs: L.average({ name: 'average' }).apply(heads) as SymbolicTensor });
  members.forEach(({ model }, k) => {
    for (const layer of model.layers) if (layer.getWeights().length > 0) ensemble.getLayer(`m${k}_${layer.name}`).setWeights(layer.getWeights());
  });
  return ensemble;
}

/** Whether `a` validates better than `b`: a lower error rate first (classification), then a lower loss. */
function better(a: CandidateResult, b: CandidateResult): boolean {
  const error = (r: CandidateResult) => (r.validationAccuracy === undefined ? 0 : 1 - r.validationAccuracy);
  const [ea, eb] = [error(a), error(b)];
  return Math.abs(ea - eb) > 1e-9 ? ea < eb : a.validationLoss < b.validationLoss;
}

/**
 * Whether a network's per-row validation errors are clearly below the ensemble's: their mean paired difference is
 * more than two standard errors below zero. On a small validation split most differences are noise, and then the
 * average of the networks, which varies less than any one of them, is kept.
 */
function clearlyBetter(single: Float64Array, ensemble: Float64Array): boolean {
  const n = single.length;
  const d = Array.from(single, (e, i) => e - ensemble[i]!);
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return mean < 0 && -mean > (2 * sd) / Math.sqrt(n);
}

function bestEpoch(history: readonly EpochLogs[]): EpochLogs | undefined {
  return history.reduce<EpochLogs | undefined>((best, e) => (best === undefined || (e.val_loss ?? Infinity) < (best.val_loss ?? Infinity) ? e : best), undefined);
}

/** One candidate trained with early stopping on the validation split (best weights restored). */
async function trainCandidate(prepared: Prepared, candidate: MlpCandidate, options: TrainTabularOptions): Promise<{ model: LayersModel; result: CandidateResult; aborted: boolean }> {
  const seed = (options.seed ?? 0) + (candidate.seed ?? 0);
  const regression = prepared.task === 'regression';
  const model = await buildMlp(prepared.input.width, regression ? 1 : prepared.classes.length, candidate, seed);
  try {
    const fitted = await fit(model, prepared.train, {
      epochs: options.epochs ?? 300,
      batchSize: Math.min(options.batchSize ?? 32, prepared.train.size),
      optimizer: candidate.weightDecay ? { name: 'adamw', learningRate: candidate.learningRate, weightDecay: candidate.weightDecay } : { name: 'adam', learningRate: candidate.learningRate },
      seed,
      validation: prepared.validation,
      ...(regression ? { loss: 'mse' as const } : {}),
      callbacks: [terminateOnNaN(), earlyStopping({ monitor: 'val_loss', patience: options.patience ?? 20, restoreBestWeights: true }), ...(options.callbacks ?? [])],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const best = bestEpoch(fitted.history);
    const result: CandidateResult = {
      candidate,
      epochs: fitted.epochs,
      bestEpoch: (best?.epoch ?? 0) + 1,
      validationLoss: regression ? (fitted.regression?.mse ?? Number.NaN) : (best?.val_loss ?? Number.NaN),
      ...(fitted.validation ? { validationAccuracy: fitted.validation.accuracy } : {}),
      ...(fitted.regression ? { validationR2: fitted.regression.r2 } : {}),
    };
    return { model, result, aborted: fitted.stopReason === 'aborted' };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Trains an MLP on a table to predict one column (classification or regression): numeric columns standardised,
 * categorical ones one-hot, missing values imputed, all fitted on the training split and stored in the model's
 * manifest. Several networks are trained, each with early stopping on the validation split; their average is kept
 * unless one of them is clearly better on it.
 */
export async function trainTabular(table: RawTable, options: TrainTabularOptions): Promise<TrainTabularResult> {
  const out = options.out === undefined ? undefined : resolve(options.out);
  // Held until the model is saved: a second run into `out` is BUSY, an existing model OUTPUT_EXISTS.
  await using _claim = await claimModelFolder(out, { overwrite: options.overwrite });
  const prepared = prepareTable(table, options);
  const candidates = options.candidates ?? DEFAULT_CANDIDATES;
  if (candidates.length === 0) throw new DlError('INVALID_ARGUMENT', 'At least one network to try', { parameter: 'candidates' });
  const trained: Array<{ model: LayersModel; result: CandidateResult }> = [];
  let aborted = false;
  try {
    for (const [i, candidate] of candidates.entries()) {
      const one = await trainCandidate(prepared, candidate, options);
      trained.push(one);
      options.onCandidate?.(one.result, i, candidates.length);
      aborted = one.aborted;
      if (aborted) break;
    }
  } catch (error) {
    for (const t of trained) t.model.dispose();
    throw error;
  }
  const kept = await choose(prepared, candidates, trained, !aborted && trained.length > 1 && options.ensemble !== false);
  if (kept.result.ensemble) trained.push(kept);
  for (const t of trained) if (t !== kept) t.model.dispose();
  const { model, result: chosen } = kept;
  const { task, input, classes, split, rows } = prepared;
  const result: TrainTabularResult = { task, model, input, classes, chosen, tried: trained.map((t) => t.result), split, rows, aborted };
  if (out === undefined || aborted) return result;
  result.saved = await saveLayersModel(model, out, {
    name: `${options.label}-${task === 'regression' ? 'regressor' : 'classifier'}`,
    task: task === 'regression' ? 'tabular-regression' : 'tabular-classification',
    labels: task === 'regression' ? [options.label] : classes,
    input,
    source: `trained by dlkit on ${table.source}`,
    license: 'as the training data',
    metrics: {
      ...(chosen.validationAccuracy !== undefined ? { validationAccuracy: chosen.validationAccuracy } : {}),
      ...(chosen.validationR2 !== undefined ? { validationR2: chosen.validationR2 } : {}),
      validationLoss: chosen.validationLoss,
      validationCount: split.validation,
    },
    training: { data: table.source, seed: split.seed, split, chosen, tried: result.tried },
  });
  return result;
}

/**
 * The model kept: the average of the networks, unless one of them is clearly better on the validation rows (then
 * the best of those); without an ensemble, the network with the best validation figures.
 */
async function choose(prepared: Prepared, candidates: readonly MlpCandidate[], trained: Array<{ model: LayersModel; result: CandidateResult }>, ensemble: boolean) {
  const best = trained.reduce((b, t) => (better(t.result, b.result) ? t : b));
  if (!ensemble) return best;
  const average = await ensembleOf(prepared, candidates, trained);
  const regression = prepared.task === 'regression';
  const errors = await rowErrors(average.model, prepared.validation, regression);
  const winners: typeof trained = [];
  for (const t of trained) if (clearlyBetter(await rowErrors(t.model, prepared.validation, regression), errors)) winners.push(t);
  if (winners.length === 0) return average;
  average.model.dispose();
  return winners.reduce((b, t) => (better(t.result, b.result) ? t : b));
}

/** The average of the trained networks, with its figures on the validation split. */
async function ensembleOf(prepared: Prepared, candidates: readonly MlpCandidate[], trained: readonly { model: LayersModel }[]): Promise<{ model: LayersModel; result: CandidateResult }> {
  const regression = prepared.task === 'regression';
  const members = trained.map((t, i) => ({ candidate: candidates[i]!, model: t.model }));
  const model = await buildEnsemble(prepared.input.width, regression ? 1 : prepared.classes.length, members);
  const figures = await validationFigures(model, prepared.validation, regression);
  return { model, result: { ensemble: members.map((m) => m.candidate), epochs: 0, bestEpoch: 0, ...figures } };
}

/** The model's outputs on every row of a dataset: class probabilities, or the (standardised) value. */
async function outputs(model: LayersModel, dataset: Dataset): Promise<Float32Array> {
  const { tf } = await selectTfjsBackend();
  const x = await dataset.read(Array.from({ length: dataset.size }, (_, i) => i));
  return tf.tidy(() => (model.predict(tf.tensor2d(x, [dataset.size, featureSize(dataset)])) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array);
}

/** Per-row validation error: 0/1 (classification: the model gives probabilities), or the squared error. */
async function rowErrors(model: LayersModel, dataset: Dataset, regression: boolean): Promise<Float64Array> {
  const out = await outputs(model, dataset);
  if (regression) return Float64Array.from(dataset.targets!, (t, i) => (out[i]! - t) ** 2);
  const k = dataset.classes.length;
  return Float64Array.from(dataset.labels, (y, i) => {
    const p = out.subarray(i * k, (i + 1) * k);
    return p.indexOf(Math.max(...p)) === y ? 0 : 1;
  });
}

/** Loss and accuracy (classification) or MSE and R^2 of a model on a dataset. */
async function validationFigures(model: LayersModel, dataset: Dataset, regression: boolean): Promise<Omit<CandidateResult, 'epochs' | 'bestEpoch'>> {
  const out = await outputs(model, dataset);
  if (regression) {
    const t = dataset.targets!;
    const mean = t.reduce((a, b) => a + b, 0) / t.length;
    let squares = 0;
    let variance = 0;
    t.forEach((v, i) => {
      squares += (out[i]! - v) ** 2;
      variance += (v - mean) ** 2;
    });
    return { validationLoss: squares / t.length, validationR2: 1 - squares / variance };
  }
  const k = dataset.classes.length;
  let loss = 0;
  let correct = 0;
  dataset.labels.forEach((y, i) => {
    const p = out.subarray(i * k, (i + 1) * k);
    loss -= Math.log(p[y]! + 1e-7);
    if (p.indexOf(Math.max(...p)) === y) correct++;
  });
  return { validationLoss: loss / dataset.size, validationAccuracy: correct / dataset.size };
}
