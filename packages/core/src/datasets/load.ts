import { DlError } from '../errors.js';
import type { Dataset } from '../train/data/dataset.js';
import { datasetLoader, type ManifestInput } from '../train/data/loaders.js';
import { splitDataset } from '../train/data/split.js';
import { ensureDataset, type EnsureOptions } from './ensure.js';
import { datasetEntry, parseDatasetRef, type DatasetEntry, type DatasetSplit } from './registry.js';
import { join } from 'node:path';

/** The package that registers each loader type the registry's splits use (a loader exists once it is imported). */
const LOADER_PACKAGES: Readonly<Record<string, string>> = {
  'mnist-idx': '@dlkit/vision',
  'digits-json': '@dlkit/vision',
  'fsdd-wav': '@dlkit/speech',
  'text-polarity': '@dlkit/nlp',
};

export interface LoadedDatasetSplit {
  dataset: Dataset;
  input: ManifestInput;
  entry: DatasetEntry;
  /** The split's name (`train` when the reference names none). */
  split: string;
  /** The local folder it was read from. */
  dir: string;
}

/**
 * A registered split, ready to train or evaluate on: `ref` is `name` or `name:split` (default `train`). The set
 * is made local first (`ensureDataset`), then read by the loader registered for the split's `type`; a `holdout`
 * split is the seeded stratified cut of what that loader reads.
 */
export async function loadDatasetSplit(ref: string, options: EnsureOptions = {}): Promise<LoadedDatasetSplit> {
  const { name, split = 'train' } = parseDatasetRef(ref);
  const entry = datasetEntry(name);
  const { holdout, ...data } = entry.splits[split] as DatasetSplit;
  const loader = datasetLoader(data.type);
  if (loader === undefined) {
    const pkg = LOADER_PACKAGES[data.type];
    throw new DlError('INVALID_ARGUMENT', `No loader is registered for the '${data.type}' data of ${name}:${split}${pkg ? `: import '${pkg}' first, which registers it` : ''}`, {
      parameter: 'dataset',
      ...(pkg ? { hint: { kind: 'install', what: pkg } } : {}),
    });
  }
  const parsed = loader.schema.safeParse(data);
  if (!parsed.success) {
    throw new DlError('DATASET_INVALID', `The registry's ${name}:${split} does not fit the '${data.type}' loader: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  }
  const dir = await ensureDataset(name, options);
  const loaded = await loader.load(parsed.data, (path) => join(dir, path));
  if (holdout === undefined) return { ...loaded, entry, split, dir };
  const cut = splitDataset(loaded.dataset, { validation: holdout.fraction, seed: holdout.seed, stratify: holdout.stratify ?? true });
  return { dataset: holdout.part === 'test' ? cut.validation : cut.train, input: loaded.input, entry, split, dir };
}
