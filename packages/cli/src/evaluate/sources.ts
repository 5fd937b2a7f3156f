import { stat } from 'node:fs/promises';
import {
  classesOf,
  classFolderFiles,
  datasetEntry,
  DlError,
  endsInSoftmax,
  errorMessage,
  fromTabular,
  loadDatasetSplit,
  loadLayersModel,
  parseDatasetRef,
  readInputFile,
  selectTfjsBackend,
  type Dataset,
  type LoadedDatasetSplit,
  type LoadedManifest,
  type ManifestInput,
} from '@dlkit/core';
import { pipeline as nlpPipeline, readLabelledTexts } from '@dlkit/nlp';
import { IMAGE_EXTENSIONS, pipeline as visionPipeline } from '@dlkit/vision';
import { pipelineScorer, type Scoring } from './scoring.js';

/** The model under evaluation: how it was named, its checked manifest and its labels, in its output order. */
export interface EvaluatedModel {
  reference: string;
  loaded: LoadedManifest;
  labels: readonly string[];
}

export interface DataOptions {
  /** The label column of a CSV/JSONL file. */
  label?: string | undefined;
  /** The text column of a CSV/JSONL file of texts. */
  text?: string | undefined;
  /** Told of folder entries left out and of rows that could not be read. */
  warn: (message: string) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const TABLE = /\.(csv|jsonl|ndjson)$/i;
/** What a registered data set's reference looks like: `name` or `name:split`. */
const DATASET_REF = /^[a-z0-9][a-z0-9-]*(:[a-z0-9-]+)?$/i;

/**
 * The labelled set `data` names, scored by the model the way its task does: a class-folder tree or a table file
 * on disk, else a registered data set (`mnist:test`). Which kinds of data fit is the model's task's business.
 */
export async function openScoring(data: string, model: EvaluatedModel, options: DataOptions): Promise<Scoring> {
  const task = model.loaded.manifest.task;
  const local = await stat(data).catch(() => undefined);
  // A name that cannot be a data set (`mnist:test`) is a path that is not there, not an unknown set.
  if (local === undefined && !DATASET_REF.test(data)) throw new DlError('INPUT_NOT_FOUND', `${data}: no such file or folder`);
  if (task === 'image-classification') {
    if (local?.isDirectory()) return imageFolder(data, model, options);
    if (local === undefined) return registeredTensors(data, model, options);
  } else if (task === 'text-classification') {
    if (local?.isDirectory()) return textFolder(data, model, options);
    if (local?.isFile() && TABLE.test(data)) return textTable(data, model, options);
    if (local === undefined) return registeredTexts(data, model, options);
  } else if (task === 'tabular-classification') {
    if (local?.isFile() && TABLE.test(data)) return tableFile(data, model, options);
    if (local === undefined) return registeredTable(data, model, options);
  } else if (task === 'speech-digits') {
    // Importing speech registers the loader of its recordings (fsdd-wav).
    await import('@dlkit/speech');
    if (local === undefined) return registeredTensors(data, model, options);
  } else {
    throw new DlError('INPUT_UNSUPPORTED', `Model ${model.reference} is a ${task} model: evaluate measures image, text, spoken-digit and tabular classifiers`);
  }
  throw new DlError('DATASET_INVALID', `${data}: ${dataKinds(task)}`);
}

function dataKinds(task: string): string {
  if (task === 'image-classification') return 'an image classifier is evaluated on a folder of class folders (<dir>/<class>/<images>) or a registered data set such as mnist:test';
  if (task === 'text-classification') return 'a text classifier is evaluated on a folder of class folders of .txt files, a .csv/.jsonl file with a text and a label column, or a registered data set such as rt-polarity:test';
  if (task === 'speech-digits') return 'a spoken-digits model is evaluated on a registered set of recordings such as fsdd:test';
  return 'a tabular classifier is evaluated on a .csv/.jsonl table with its label column, or a registered data set such as breast-cancer:test';
}

function imageFolder(dir: string, model: EvaluatedModel, options: DataOptions): Promise<Scoring> {
  return folderScoring(dir, IMAGE_EXTENSIONS, options, async (files) => {
    const classify = await visionPipeline('image-classification', model.reference);
    return { score: pipelineScorer(classify, (indices) => indices.map((i) => files[i]!), model.labels), dispose: () => classify.dispose() };
  });
}

function textFolder(dir: string, model: EvaluatedModel, options: DataOptions): Promise<Scoring> {
  return folderScoring(dir, ['.txt'], options, async (files) => {
    const classify = await nlpPipeline('text-classification', model.reference);
    // A file that is not UTF-8 text fails alone, as a text the pipeline refuses does.
    const read = (indices: readonly number[]) => Promise.all(indices.map(async (i) => readText(files[i]!)));
    return { score: pipelineScorer(classify, read, model.labels), dispose: () => classify.dispose() };
  });
}

async function readText(path: string): Promise<string> {
  try {
    return utf8.decode(await readInputFile(path));
  } catch {
    // An empty text is refused by the classifier with its own typed error, for this file alone.
    return '';
  }
}

async function folderScoring(
  dir: string,
  extensions: readonly string[],
  options: DataOptions,
  open: (files: string[]) => Promise<Pick<Scoring, 'score' | 'dispose'>>,
): Promise<Scoring> {
  const { classes, files, labels } = await classFolderFiles(dir, extensions, (path, reason) => options.warn(`${path}: skipped (${reason})`));
  return { source: dir, classes, labels, inputs: files, ...(await open(files)) };
}

async function textTable(path: string, model: EvaluatedModel, options: DataOptions): Promise<Scoring> {
  const columns = { text: options.text ?? 'text', label: options.label ?? 'label' };
  const { texts, labels, skipped } = await readLabelledTexts(path, columns);
  for (const s of skipped) options.warn(`${s.input}: skipped (${errorMessage(s.error)})`);
  const classes = classesOf(labels);
  const classify = await nlpPipeline('text-classification', model.reference);
  return {
    source: path,
    classes,
    labels: Int32Array.from(labels, (l) => classes.indexOf(l)),
    score: pipelineScorer(classify, (indices) => indices.map((i) => texts[i]!), model.labels),
    dispose: () => classify.dispose(),
  };
}

/** The feature columns a tabular model's manifest names, in its input order. */
function tableColumns(model: EvaluatedModel): string[] {
  const features = (model.loaded.manifest.input as { features?: unknown }).features;
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) {
    throw new DlError('MODEL_INVALID', `Model ${model.reference}: its manifest's input does not name its feature columns`);
  }
  return features;
}

async function tableFile(path: string, model: EvaluatedModel, options: DataOptions): Promise<Scoring> {
  if (options.label === undefined) throw new DlError('INVALID_ARGUMENT', `${path}: say which column holds the label`, { parameter: 'label', hint: { kind: 'use-option', option: 'label', value: 'COLUMN' } });
  const columns = tableColumns(model);
  return tableScoring(await fromTabular(path, { label: options.label, features: columns }), columns, model, path);
}

/** Rows of a table data set, given to the tabular-classification pipeline as column -> value. */
async function tableScoring(dataset: Dataset, columns: readonly string[], model: EvaluatedModel, source: string): Promise<Scoring> {
  const { pipeline: tabularPipeline } = await import('@dlkit/tabular');
  const classify = await tabularPipeline('tabular-classification', model.reference);
  const rows = async (indices: readonly number[]) => {
    const values = await dataset.read(indices);
    return indices.map((_, r) => Object.fromEntries(columns.map((c, k) => [c, values[r * columns.length + k]!])));
  };
  return { source, classes: dataset.classes, labels: dataset.labels, score: pipelineScorer(classify, rows, model.labels), dispose: () => classify.dispose() };
}

/** `mnist` alone means its test split: evaluation is what test splits are for. */
const withSplit = (ref: string) => (ref.includes(':') ? ref : `${ref}:test`);

/** The registry's task of the sets a model of each task is evaluated on, where the two names differ. */
const SET_TASKS: Readonly<Record<string, string>> = { 'speech-digits': 'audio-classification' };

/**
 * A registered split, refused when its examples are not the kind the model takes (before anything is read), and
 * said to overlap the model's training data where its manifest shows it does.
 */
async function registeredSplit(ref: string, model: EvaluatedModel, options: DataOptions): Promise<LoadedDatasetSplit & { full: string }> {
  const full = withSplit(ref);
  const { task } = model.loaded.manifest;
  const set = datasetEntry(parseDatasetRef(full).name);
  if (set.task !== (SET_TASKS[task] ?? task)) {
    throw new DlError('DATASET_INVALID', `${full} is ${set.task} data; model ${model.reference} is a ${task} model: ${dataKinds(task)}`);
  }
  const loaded = await loadDatasetSplit(full);
  const overlap = trainingOverlap(model.loaded.manifest, loaded.dataset.source, loaded.entry.homepage);
  if (overlap !== undefined) options.warn(`${full} is not held out for model ${model.reference}: it was trained on ${overlap}, so these figures are not a test score`);
  return { ...loaded, full };
}

/** `(train split, seed 0)`: how a registered holdout split's source ends (core's splitDataset names the parts). */
const HOLDOUT_PART = / \((train|validation) split, seed \d+\)$/;

/**
 * What of a registered split (its Dataset `source`, the set's `homepage`) the model's manifest says it was trained
 * on: that very split, or, for a split the registry cuts from a set, the whole set (named by its folder or its
 * homepage, without the other part, which alone is disjoint); undefined when the manifest names neither. A model
 * trained on a copy its manifest does not name cannot be checked.
 */
export function trainingOverlap(manifest: LoadedManifest['manifest'], source: string, homepage: string): string | undefined {
  const training = (manifest as { training?: { data?: unknown } }).training;
  const said = [manifest.source, training?.data].filter((t): t is string => typeof t === 'string').join('\n');
  if (said.includes(source)) return `this split or part of it (${source})`;
  const part = HOLDOUT_PART.exec(source);
  if (part === null) return undefined;
  const whole = source.slice(0, part.index);
  const other = `${whole} (${part[1] === 'train' ? 'validation' : 'train'} split`;
  const site = homepage.replace(/^https?:\/\//, '').replace(/\/$/, '');
  const named = [whole, site].find((name) => said.includes(name));
  return named !== undefined && !said.includes(other) ? `the whole set this split is cut from (${named})` : undefined;
}

/** A registered text set (`rt-polarity:test`): its texts go through the model's pipeline, as a table's do. */
async function registeredTexts(ref: string, model: EvaluatedModel, options: DataOptions): Promise<Scoring> {
  const { dataset, full } = await registeredSplit(ref, model, options);
  const texts = dataset.inputs;
  if (texts === undefined) throw new DlError('DATASET_INVALID', `${full} holds no texts (its examples are features); ${dataKinds('text-classification')}`);
  const classify = await nlpPipeline('text-classification', model.reference);
  return {
    source: full,
    classes: dataset.classes,
    labels: dataset.labels,
    inputs: texts,
    score: pipelineScorer(classify, (indices) => indices.map((i) => texts[i]!), model.labels),
    dispose: () => classify.dispose(),
  };
}

async function registeredTable(ref: string, model: EvaluatedModel, options: DataOptions): Promise<Scoring> {
  const { dataset, input, full } = await registeredSplit(ref, model, options);
  const features = (input as { features?: unknown }).features;
  const columns = Array.isArray(features) ? (features as string[]) : [];
  // Said once for the set, not once per row by the pipeline.
  const missing = tableColumns(model).filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new DlError('DATASET_INVALID', `${full} has no column${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).map((c) => `'${c}'`).join(', ')} that model ${model.reference} reads (its columns: ${columns.join(', ')})`);
  }
  return tableScoring(dataset, columns, model, full);
}

/** Vision's input kinds whose examples are the same tensor: a grey or colour picture in [0, 1], height x width x channels. */
const PICTURE_KINDS = new Set(['digits', 'image']);

/** The same spec: pictures of any vision kind, else every field equal (a log-mel's rate, window, bands, ...). */
function sameKind(wants: ManifestInput, input: ManifestInput): boolean {
  if (PICTURE_KINDS.has(wants.kind) && PICTURE_KINDS.has(input.kind)) return true;
  const fields = (spec: ManifestInput) => JSON.stringify(Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : 1)));
  return fields(wants) === fields(input);
}

/** Refuses a data set whose examples are not what the model's network takes, before anything is scored. */
function assertSameInput(ref: string, input: ManifestInput, dataset: Dataset, model: EvaluatedModel, takes: readonly number[]): void {
  const wants = model.loaded.manifest.input as ManifestInput | undefined;
  if (wants === undefined || !sameKind(wants, input) || takes.join() !== dataset.featureShape.join()) {
    throw new DlError(
      'DATASET_INVALID',
      `${ref} holds ${input.kind} examples of shape [${dataset.featureShape.join(', ')}]; model ${model.reference} takes ${wants?.kind ?? 'unknown'} input of shape [${takes.join(', ')}]`,
    );
  }
}

/**
 * A registered set of images or recordings (`mnist:test`, `fsdd:test`): its examples are already the network's
 * tensors (decoded by its loader), so they go straight through it, as `fit` validated it, rather than back
 * through files.
 */
async function registeredTensors(ref: string, model: EvaluatedModel, options: DataOptions): Promise<Scoring> {
  const { dataset, input, full } = await registeredSplit(ref, model, options);
  if (model.loaded.manifest.runtime !== 'tfjs-layers') {
    throw new DlError('INPUT_UNSUPPORTED', `Model ${model.reference} (${model.loaded.manifest.runtime}) is evaluated on image folders; registered sets run dlkit-trained models`);
  }
  const { tf } = await selectTfjsBackend();
  const network = await loadLayersModel(model.loaded);
  try {
    assertSameInput(full, input, dataset, model, network.inputs[0]!.shape.slice(1) as number[]);
  } catch (error) {
    network.dispose();
    throw error;
  }
  const probabilities = endsInSoftmax(network);
  const classes = model.labels.length;
  return {
    source: full,
    classes: dataset.classes,
    labels: dataset.labels,
    ...(dataset.inputs ? { inputs: dataset.inputs } : {}),
    async score(indices) {
      const x = await dataset.read(indices);
      const scores = tf.tidy(() => {
        const output = network.predict(tf.tensor(x, [indices.length, ...dataset.featureShape])) as ReturnType<typeof tf.tensor>;
        return (probabilities ? output : tf.softmax(output)).dataSync() as Float32Array;
      });
      return indices.map((_, i) => ({ ok: true as const, value: scores.slice(i * classes, (i + 1) * classes) }));
    },
    async dispose() {
      network.dispose();
    },
  };
}
