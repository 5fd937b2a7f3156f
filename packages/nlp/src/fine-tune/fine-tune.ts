import {
  claimModelFolder,
  ClassificationMetrics,
  classesOf,
  DlError,
  loadLocalModel,
  parseModelReference,
  splitIndices,
  type Callback,
  type ClassificationReport,
  type FitResult,
  type LoadedManifest,
} from '@dlkit/core';
import { tokenize } from '../text/tokenize.js';
import { isLinearIndex, loadTextModel } from '../text-model/classifier.js';
import { LAYER } from '../text-model/network.js';
import { saveTextModel } from '../text-model/save.js';
import { disposeNetwork, TEXT_TRAINING_DEFAULTS, trainTextClassifier, type BaseTextModel, type TrainTextResult } from '../text-model/train.js';
import { readWordVectors, type WordVectors } from '../text-model/word-vectors.js';
import { readLabelledTexts, type LabelledTexts } from './labelled-texts.js';
import { linearProbabilities, trainLinearText, type LinearSelection, type VectorTable } from './linear-text.js';
import { saveLinearTextModel } from './save-linear.js';

/** `auto` picks by held-out accuracy; `linear` and `cnn` force one. */
export type FineTuneModelKind = 'auto' | 'linear' | 'cnn';

export interface FineTuneTextOptions {
  /** A CSV (with a header) or JSONL file of labelled texts. */
  data: string;
  textColumn: string;
  labelColumn: string;
  out: string;
  /** Replace a model already in `out` (default false: OUTPUT_EXISTS, before any training). */
  overwrite?: boolean;
  /**
   * The dlkit text model whose word vectors (and, for the CNN, convolutions) start the training (default
   * `sentiment`); `null`: none (then `vectors` gives pretrained vectors).
   */
  base?: string | null;
  vectors?: string;
  /** Which model to train (default `auto`). */
  model?: FineTuneModelKind;
  /** Epochs of the CNN's two branches (the linear model is fitted to convergence). */
  epochs?: { cnn: number; bag: number };
  validation?: number;
  seed?: number;
  workers?: number;
  callbacks?: Callback[];
  signal?: AbortSignal;
  /**
   * How to reproduce this model, recorded in its manifest (`training.command`): a CLI passes its command line.
   * Default: this call, as `fineTuneTextClassifier({...})` with the options that shape the model.
   */
  command?: string;
}

/**
 * Below this many rows the CNN is not even tried: on the 3-class task of issue 18 it lost to TF-IDF +
 * logistic regression at 60 and 200 rows, and it costs minutes where the linear model costs seconds.
 */
export const CNN_MIN_ROWS = 500;

/** Words of a vectors file kept beyond those of the training texts, so unseen words keep their meaning. */
const EXTRA_VECTOR_WORDS = 20_000;

export interface FineTuneSummary {
  /** The model saved: the linear one unless the CNN was better on the held-out rows. */
  chosen: 'linear' | 'cnn';
  reason: string;
  classes: string[];
  /** The saved kind's figures on the held-out rows (trained without them). */
  validation: ClassificationReport;
  split: TrainTextResult['split'];
  seconds: number;
  linear: { validation: ClassificationReport; selection: LinearSelection };
  cnn?: { validation: ClassificationReport; cnn: FitResult; bag: FitResult };
}

export interface FineTuneTextResult {
  result: FineTuneSummary;
  saved: LoadedManifest;
  skipped: LabelledTexts['skipped'];
}

interface Labelled {
  texts: string[];
  ids: number[];
  classes: string[];
}

function labelIds(data: LabelledTexts): Labelled {
  const classes = classesOf(data.labels);
  if (classes.length < 2) throw new DlError('DATASET_INVALID', `A classifier needs at least two classes; the data has ${classes.join(', ') || 'none'}`);
  return { texts: data.texts, ids: data.labels.map((l) => classes.indexOf(l)), classes };
}

/** The base model's word embeddings as a vector table (its unknown-word row left out). */
function baseVectors(base: BaseTextModel): VectorTable {
  const weights = base.model.getLayer(LAYER.words).getWeights()[0]!;
  const table = Float32Array.from(weights.dataSync() as Float32Array);
  const dimensions = weights.shape[1]!;
  table.fill(0, 0, 2 * dimensions);
  return { words: base.vocabulary.words, dimensions, table };
}

/** A vectors file as a table: the training texts' words it has, then its most frequent words. */
function fileVectors(vectors: WordVectors, texts: readonly string[]): VectorTable {
  const words = new Set<string>();
  for (const text of texts) for (const token of tokenize(text)) if (vectors.has(token)) words.add(token);
  for (const word of vectors.words.filter((w) => /^\p{L}+$/u.test(w)).slice(0, EXTRA_VECTOR_WORDS)) words.add(word);
  const list = [...words];
  const table = new Float32Array((list.length + 2) * vectors.dimensions);
  list.forEach((w, i) => table.set(vectors.vectors.get(w)!, (i + 2) * vectors.dimensions));
  return { words: list, dimensions: vectors.dimensions, table };
}

function report(probabilities: Float64Array, labels: readonly number[], classes: readonly string[]): ClassificationReport {
  const metrics = new ClassificationMetrics(classes);
  metrics.update(Float32Array.from(probabilities), Int32Array.from(labels));
  return metrics.report();
}

const pick = <T>(items: readonly T[], indices: readonly number[]) => indices.map((i) => items[i]!);

async function loadBase(name: string | null): Promise<BaseTextModel | undefined> {
  if (name === null) return undefined;
  const loaded = await loadTextModel(await loadLocalModel(parseModelReference(name), 'text-classification'));
  if (isLinearIndex(loaded.index)) {
    loaded.model.dispose();
    throw new DlError('MODEL_INVALID', `Base model ${name} is a linear model; a base must be a CNN text model such as 'sentiment'`);
  }
  return { model: loaded.model, vocabulary: loaded.index.vocabulary };
}

/**
 * Trains a text classifier on the user's labelled texts (any number of classes) and saves a model folder that
 * `pipeline('text-classification', out)` and `pipeline('sentiment-analysis', out)` load. It chooses what works for the
 * data: a calibrated linear model over TF-IDF n-grams and the base model's word vectors (chosen by
 * cross-validation on the training rows), and, from CNN_MIN_ROWS rows, the CNN + n-gram ensemble started from
 * the base model, kept only when it beats the linear model on the same held-out rows.
 */
export async function fineTuneTextClassifier(options: FineTuneTextOptions): Promise<FineTuneTextResult> {
  const started = performance.now();
  await using _claim = await claimModelFolder(options.out, { overwrite: options.overwrite });
  const data = await readLabelledTexts(options.data, { text: options.textColumn, label: options.labelColumn });
  const labelled = labelIds(data);
  const seed = options.seed ?? TEXT_TRAINING_DEFAULTS.seed;
  const fraction = options.validation ?? TEXT_TRAINING_DEFAULTS.validation;
  // The split trainTextClassifier draws (same function, labels and seed): both kinds are judged on the same rows.
  const split = splitIndices(labelled.ids, labelled.classes.length, { validation: fraction, seed }, 'texts');
  const baseName = options.base === undefined ? 'sentiment' : options.base;
  const base = await loadBase(baseName);
  try {
    const vectorsFile = options.vectors ? await readWordVectors(options.vectors) : undefined;
    const vectors = vectorsFile ? fileVectors(vectorsFile, labelled.texts) : base ? baseVectors(base) : undefined;
    const linear = heldOutLinear(labelled, split, vectors, seed);
    if (options.signal?.aborted) throw new DlError('ABORTED', 'Training was interrupted');
    const kind = options.model ?? 'auto';
    const tryCnn = kind === 'cnn' || (kind === 'auto' && labelled.texts.length >= CNN_MIN_ROWS);
    const cnn = tryCnn ? await trainCnn(options, data, seed, fraction, base, vectorsFile) : undefined;
    try {
      const summary = { classes: labelled.classes, split: { train: split.train.length, validation: split.validation.length, seed, fraction }, linear };
      const saveOptions = describe(options, baseName, labelled.texts.length);
      if (cnn && (kind === 'cnn' || cnn.validation.accuracy > linear.validation.accuracy)) {
        const saved = await saveTextModel(cnn, options.out, saveOptions);
        const reason = kind === 'cnn' ? 'asked for' : `held-out accuracy ${pct(cnn.validation.accuracy)} against ${pct(linear.validation.accuracy)} for the linear model`;
        const result: FineTuneSummary = { ...summary, chosen: 'cnn', reason, validation: cnn.validation, cnn: cnnSummary(cnn), seconds: seconds(started) };
        return { result, saved, skipped: data.skipped };
      }
      // Refitted on every row with the configuration and temperature cross-validated on the training split.
      const final = trainLinearText({ texts: labelled.texts, labels: labelled.ids, classes: labelled.classes.length, vectors, seed, selection: linear.selection });
      const saved = await saveLinearTextModel(final, labelled.classes, linear.validation, options.out, {
        ...saveOptions,
        seed,
        split: `validation figures of a model fitted on ${split.train.length} texts and scored on ${split.validation.length} held out (stratified, seed ${seed}); saved model refitted on all ${labelled.texts.length}`,
      });
      const reason = cnn
        ? `held-out accuracy ${pct(linear.validation.accuracy)} against ${pct(cnn.validation.accuracy)} for the CNN`
        : kind === 'linear'
          ? 'asked for'
          : `${labelled.texts.length} rows: the CNN is tried from ${CNN_MIN_ROWS}`;
      const result: FineTuneSummary = {
        ...summary,
        chosen: 'linear',
        reason,
        validation: linear.validation,
        linear: { validation: linear.validation, selection: final.selection },
        ...(cnn ? { cnn: cnnSummary(cnn) } : {}),
        seconds: seconds(started),
      };
      return { result, saved, skipped: data.skipped };
    } finally {
      if (cnn) disposeNetwork(cnn.network);
    }
  } finally {
    base?.model.dispose();
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const seconds = (started: number) => (performance.now() - started) / 1000;

/** The linear model fitted on the training split and scored on the held-out rows. */
function heldOutLinear(data: Labelled, split: { train: number[]; validation: number[] }, vectors: VectorTable | undefined, seed: number) {
  const model = trainLinearText({ texts: pick(data.texts, split.train), labels: pick(data.ids, split.train), classes: data.classes.length, vectors, seed });
  const probabilities = linearProbabilities(model, pick(data.texts, split.validation));
  return { validation: report(probabilities, pick(data.ids, split.validation), data.classes), selection: model.selection };
}

async function trainCnn(
  options: FineTuneTextOptions,
  data: LabelledTexts,
  seed: number,
  validation: number,
  base: BaseTextModel | undefined,
  vectors: WordVectors | undefined,
): Promise<TrainTextResult> {
  return trainTextClassifier({
    texts: data.texts,
    labels: data.labels,
    seed,
    validation,
    ...(options.epochs ? { epochs: options.epochs } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
    ...(base ? { base } : {}),
    ...(vectors ? { vectors } : {}),
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

function cnnSummary(cnn: TrainTextResult): NonNullable<FineTuneSummary['cnn']> {
  return { validation: cnn.validation, cnn: cnn.cnn, bag: cnn.bag };
}

/** The library call that reproduces the model: the options that shape it (not callbacks, signal or workers). */
function callOf(options: FineTuneTextOptions): string {
  const { data, textColumn, labelColumn, out, base, vectors, model, epochs, validation, seed } = options;
  const shaping = { data, textColumn, labelColumn, out, base, vectors, model, epochs, validation, seed };
  const given = Object.fromEntries(Object.entries(shaping).filter(([, value]) => value !== undefined));
  return `fineTuneTextClassifier(${JSON.stringify(given)})`;
}

function describe(options: FineTuneTextOptions, baseName: string | null, rows: number) {
  return {
    name: 'text-classifier',
    source: `Fine-tuned by dlkit on ${options.data}${baseName ? ` from ${baseName}` : ''}`,
    license: 'Yours: trained on your data (the base model’s licence applies to what it contributed)',
    data: `${options.data}, columns ${options.textColumn} / ${options.labelColumn}: ${rows} texts`,
    command: options.command ?? callOf(options),
    embeddings: options.vectors ? `pretrained ${options.vectors}` : baseName ? `from ${baseName}` : 'random, learnt',
  };
}
