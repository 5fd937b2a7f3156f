import { z } from 'zod';
import { DlError } from '../../errors.js';
import type { Rng } from '../random.js';
import type { Dataset } from './dataset.js';
import { readTable, sklearnDataset, sklearnTableSchema, type SklearnTableConfig } from './tabular.js';

/**
 * The `input.kind` values of the manifests core writes. Domain packages keep their own (vision's `digits`,
 * `image`, ...): core only knows the kind of the tables it reads itself.
 */
export const MANIFEST_INPUT_KINDS = { features: 'features' } as const;

/** The `input` section a model trained on a data set records, so that its pipeline prepares inputs the same way. */
export type ManifestInput = { kind: string } & Record<string, unknown>;

/** A training config's `augment`: the largest random change of each kind (a loader gives it its meaning). */
export interface AugmentConfig {
  rotate?: number;
  scale?: number;
  shift?: number;
  shear?: number;
}

/** What a loader hands back: the examples, and the input spec and task of a model trained on them. */
export interface LoadedTrainingData {
  dataset: Dataset;
  input: ManifestInput;
}

/**
 * How a training config's `data: {type, ...}` is read. Core registers the tables (`csv`, `jsonl`); a domain
 * package registers its own formats when it is imported (@dlkit/vision: `image-folder`, `mnist-idx`,
 * `digits-json`), so core holds no image or digit knowledge.
 */
export interface DatasetLoader<C extends { type: string } = { type: string }> {
  /**
   * The `data` object with its `type` literal: defaults applied, bounds checked, before any file is read. Make it
   * strict (`z.strictObject`) so that a misspelt key is an error naming it (with a did-you-mean) rather than dropped.
   */
  schema: z.ZodType<C>;
  /** The task a model trained on this data is saved as (the manifest's `task`). */
  task: string;
  /** Reads the data set; relative paths of the config resolve with `resolvePath` (against the config's folder). */
  load(config: C, resolvePath: (path: string) => string): Promise<LoadedTrainingData>;
  /** The config's `augment` for examples of this shape; absent: the config's `augment` is ignored for this data. */
  augment?(options: AugmentConfig, featureShape: readonly number[]): ((features: Float32Array, rng: Rng) => Float32Array) | undefined;
}

// On globalThis under a Symbol.for key, as `isDlError`'s marker: a domain package that resolved a second copy of
// core still registers where this copy looks.
const REGISTRY = Symbol.for('dlkit.datasetLoaders');
type Registry = Map<string, DatasetLoader>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= new Map());
}

/** Makes `type` readable by training configs. Registering a type again replaces its loader (the last import wins). */
export function registerDatasetLoader<C extends { type: string }>(type: string, loader: DatasetLoader<C>): void {
  if (!/^[a-z][\w-]*$/.test(type)) throw new DlError('INVALID_ARGUMENT', `A dataset type is lower-case letters, digits, '-' and '_', got '${type}'`, { parameter: 'type' });
  registry().set(type, loader as unknown as DatasetLoader);
}

/** The loader of a data type, or undefined when nothing registered it. */
export function datasetLoader(type: string): DatasetLoader | undefined {
  return registry().get(type);
}

/** The data types training configs can read now, sorted. */
export function datasetTypes(): string[] {
  return [...registry().keys()].sort();
}

/** The tables core reads itself: one feature vector per row, the label a column. */
function tableLoader(format: 'csv' | 'jsonl'): DatasetLoader<TableConfig> {
  return {
    schema: tableSchema(format),
    task: 'tabular-classification',
    async load(data, resolvePath) {
      const { dataset, features } = await readTable(resolvePath(data.path), { label: data.label, format, ...(data.features ? { features: data.features } : {}) });
      // The columns read, in order (also when the config left them to the header): a pipeline maps a row by them.
      return { dataset, input: { kind: MANIFEST_INPUT_KINDS.features, features, label: data.label, width: dataset.featureShape[0] } };
    },
  };
}

interface TableConfig {
  type: 'csv' | 'jsonl';
  path: string;
  label: string;
  features?: string[] | undefined;
}

function tableSchema(format: 'csv' | 'jsonl'): z.ZodType<TableConfig> {
  // Strict: a misspelt key (`"lable"`) is an error naming it, not silently dropped.
  return z.strictObject({ type: z.literal(format), path: z.string(), label: z.string(), features: z.array(z.string()).optional() });
}

registerDatasetLoader('csv', tableLoader('csv'));
registerDatasetLoader('jsonl', tableLoader('jsonl'));
// scikit-learn's tables (the registry's breast-cancer, diabetes, wine, iris); a regression one has targets, no classes.
registerDatasetLoader<SklearnTableConfig>('sklearn-table', {
  schema: sklearnTableSchema,
  task: 'tabular-classification',
  async load(data, resolvePath) {
    const { dataset, features, label } = await sklearnDataset(data, resolvePath);
    return { dataset, input: { kind: MANIFEST_INPUT_KINDS.features, features, label, width: features.length } };
  },
});
