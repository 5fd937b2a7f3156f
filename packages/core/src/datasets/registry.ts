import { DlError } from '../errors.js';
import { nearestName } from '../names/nearest-name.js';

/**
 * How a downloaded source becomes files of the data set's folder: `none` keeps the bytes as they are (named
 * `file`, else the URL's last part), `gzip` decompresses one file (its name less `.gz`), `tar.gz` extracts the
 * regular files of an archive (`strip` leading folders removed, like tar's --strip-components).
 */
export type DatasetUnpack = 'gzip' | 'tar.gz' | 'none';

export interface DatasetSource {
  /** The official address (https where the publisher offers it). */
  url: string;
  /** sha256 of the bytes as downloaded; absent where the publisher's archive is generated on the fly (GitHub archives): the content's tree hash checks the files instead. */
  sha256?: string;
  /** Size of the download in bytes, where known: the download is refused past it. */
  bytes?: number;
  unpack?: DatasetUnpack;
  strip?: number;
  /** The file's name in the data set's folder (`none`/`gzip`). */
  file?: string;
}

/**
 * The files of a data set once unpacked, checked as one tree hash: sha256 over the sorted lines
 * `<relative path>\0<sha256 of the file, hex>\n` (paths with `/`, sorted by their UTF-8 bytes), over the files whose
 * relative path matches `include` (a folder may hold other files: a mirror's SOURCE.md, another set's tables).
 */
export interface DatasetContent {
  files: number;
  bytes: number;
  sha256: string;
  /** Regular expression (source text, anchored) selecting the set's files by their relative path. */
  include: string;
  /**
   * Other trees accepted as this set, each with why: a distribution's repackaging whose bytes differ from the
   * official files only in metadata (e.g. gzip headers rewritten by Debian's strip-nondeterminism).
   */
  equivalent?: ReadonlyArray<{ sha256: string; files: number; bytes: number; why: string }>;
}

/** A seeded, stratified cut for sets that publish no test split: `part` says which side this split is. */
export interface DatasetHoldout {
  /** Fraction of each class that is the `test` part, in (0, 1). */
  fraction: number;
  seed: number;
  part: 'train' | 'test';
  /** Default true; false for regression targets (a cut of the rows in a seeded order). */
  stratify?: boolean;
}

/**
 * A split: a training config's `data` object (read by the loader registered for `type`, see
 * `registerDatasetLoader`) whose paths are relative to the data set's folder, plus an optional `holdout`.
 *
 * The `sklearn-table` type (its loader lives with the tabular code) takes, besides `type`:
 * - `path`: scikit-learn's CSV (`breast_cancer.csv`: a first line `<rows>,<features>,<class names...>`, then rows
 *   of the features and the class index) or a whitespace-separated table (`diabetes_data_raw.csv.gz`, no header),
 *   `.gz` decompressed;
 * - `columns`: the feature names, in the order of the file's columns;
 * - `label` (classification): the name given to the last column, the class index into the first line's names;
 * - `target` (regression): a file beside `path` with one number per row, the value to predict.
 * Other types used here: `mnist-idx` `{images, labels}` and `digits-json` `{path}` (registered by @dlkit/vision),
 * `fsdd-wav` `{path, takes: [first, last]}` (recordings `{digit}_{speaker}_{take}.wav` whose take is in the range,
 * registered by @dlkit/speech: the speech-digits model's log-mel input) and `text-polarity` `{positive, negative}`
 * (one text per line, registered by @dlkit/nlp: the texts are the Dataset's `inputs`, its features empty).
 */
export type DatasetSplit = { type: string; holdout?: DatasetHoldout } & Record<string, unknown>;

/** A folder where a system package installs the set's files (read-only, checked like a mirror). */
export interface PackagedCopy {
  package: string;
  dir: string;
}

export interface DatasetEntry {
  name: string;
  title: string;
  /** The task a model trained on it does (`image-classification`, `tabular-regression`, ...). */
  task: string;
  licence: string;
  homepage: string;
  /** Where it lives under `DL_CACHE/datasets` and under each `DL_DATA_MIRROR` folder. */
  dir: string;
  sources: readonly DatasetSource[];
  content: DatasetContent;
  splits: Readonly<Record<string, DatasetSplit>>;
  /** Copies installed by system packages, used (after the tree check) where the set is neither cached nor mirrored. */
  packaged?: readonly PackagedCopy[];
  /** How to cite it, where its authors ask. */
  citation?: string;
}

export { DATASETS } from './entries.js';
import { DATASETS } from './entries.js';

/** Edits a typo may hold: further than this, the nearest name is not what was meant ('nope' is not 'wine'). */
const closeEnough = (name: string) => Math.max(2, Math.floor(name.length / 3));

/** Every registered data set, in the registry's order. */
export function listDatasets(): readonly DatasetEntry[] {
  return DATASETS;
}

/** The entry named `name`; an unknown name is INVALID_ARGUMENT (parameter `dataset`) with the nearest name as a hint. */
export function datasetEntry(name: string): DatasetEntry {
  const entry = DATASETS.find((d) => d.name === name);
  if (entry) return entry;
  const names = DATASETS.map((d) => d.name);
  const near = nearestName(name, names, closeEnough(name));
  throw new DlError('INVALID_ARGUMENT', `'${name}' is not a registered data set (${names.join(', ')})`, {
    parameter: 'dataset',
    ...(near ? { hint: { kind: 'did-you-mean', value: near } } : {}),
  });
}

/** `mnist:test` -> `{name: 'mnist', split: 'test'}`; the name must be registered, the split (when given) one of its splits. */
export function parseDatasetRef(ref: string): { name: string; split?: string } {
  const colon = ref.indexOf(':');
  const name = colon < 0 ? ref : ref.slice(0, colon);
  const entry = datasetEntry(name);
  if (colon < 0) return { name };
  const split = ref.slice(colon + 1);
  const splits = Object.keys(entry.splits);
  if (!splits.includes(split)) {
    const near = nearestName(split, splits, closeEnough(split));
    throw new DlError('INVALID_ARGUMENT', `Data set ${name} has no split '${split}' (${splits.join(', ')})`, {
      parameter: 'dataset',
      ...(near ? { hint: { kind: 'did-you-mean', value: `${name}:${near}` } } : {}),
    });
  }
  return { name, split };
}
