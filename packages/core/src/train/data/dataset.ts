import { DlError } from '../../errors.js';

/**
 * A labelled classification dataset that loads features on demand. Labels are known up front (splits,
 * stratification and class counts need them); features are read per batch, so a dataset on disk never has
 * to fit in memory.
 */
export interface Dataset {
  readonly size: number;
  /** Shape of one example's features, e.g. [28, 28, 1]. */
  readonly featureShape: readonly number[];
  /** Class names; labels index into them. */
  readonly classes: readonly string[];
  /** Class index of each item (all 0 in a regression dataset, whose `classes` is empty). */
  readonly labels: Int32Array;
  /** Regression: the target value of each item (what `fit` with `loss: 'mse'` trains towards). */
  readonly targets?: Float32Array;
  /** Features of the given items, one after another (each `featureSize(dataset)` floats). */
  read(indices: readonly number[]): Promise<Float32Array>;
  /** Where the data came from, recorded in a trained model's manifest. */
  readonly source: string;
  /**
   * Each example as a pipeline takes it (a text, a recording's path), where the features are not all a model
   * needs: a text's features depend on the model's own vocabulary, so a text set's features are empty.
   */
  readonly inputs?: readonly string[];
}

export function featureSize(dataset: Pick<Dataset, 'featureShape'>): number {
  return dataset.featureShape.reduce((a, b) => a * b, 1);
}

/** Class names from raw labels: numbers keep their order (0..9), strings sort. */
export function classesOf(raw: ReadonlyArray<string | number>): string[] {
  const unique = [...new Set(raw.map(String))];
  const numeric = unique.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return numeric ? unique.sort((a, b) => Number(a) - Number(b)) : unique.sort();
}

/** Checks what every trainer needs: examples, at least two classes, labels in range. */
export function assertTrainable(dataset: Dataset, what = dataset.source): void {
  if (dataset.size === 0) throw new DlError('DATASET_INVALID', `Dataset ${what} has no examples`);
  // A text set's examples are its `inputs`: its features are empty, nothing a network could learn from.
  if (featureSize(dataset) === 0) {
    throw new DlError('DATASET_INVALID', `Dataset ${what} has no features${dataset.inputs ? ' (its examples are texts or files for a pipeline: a text classifier is trained from its texts)' : ''}`);
  }
  if (dataset.classes.length < 2) {
    throw new DlError('DATASET_INVALID', `Dataset ${what} has one class (${dataset.classes[0] ?? 'none'}): a classifier needs at least two`);
  }
}

export interface ArrayDatasetInput {
  /** One row of features per example, or all features flat (then `shape` is required). */
  features: ArrayLike<number>[] | Float32Array;
  /** Class per example: indices into `classes`, or names. */
  labels: ArrayLike<number | string>;
  /** Shape of one example (default: [row length]). */
  shape?: number[];
  /** Class names (default: from the labels). */
  classes?: string[];
  source?: string;
}

/** A dataset held in memory. */
export function fromArrays(input: ArrayDatasetInput): Dataset {
  const rawLabels = Array.from(input.labels);
  const size = rawLabels.length;
  let flat: Float32Array;
  let shape = input.shape;
  if (input.features instanceof Float32Array) {
    if (shape === undefined) throw new DlError('INVALID_ARGUMENT', 'fromArrays: flat features need a shape');
    flat = input.features;
  } else {
    const rows = input.features;
    const width = rows[0]?.length ?? 0;
    shape ??= [width];
    flat = new Float32Array(rows.length * width);
    rows.forEach((row, i) => {
      if (row.length !== width) throw new DlError('DATASET_INVALID', `Row ${i} has ${row.length} features, expected ${width}`);
      flat.set(Array.from(row), i * width);
    });
  }
  const width = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== size * width) {
    throw new DlError('DATASET_INVALID', `${flat.length / width} feature rows for ${size} labels`);
  }
  const classes = input.classes ?? classesOf(rawLabels);
  const labels = new Int32Array(size);
  rawLabels.forEach((raw, i) => {
    const index = typeof raw === 'number' && input.classes !== undefined ? raw : classes.indexOf(String(raw));
    if (!Number.isInteger(index) || index < 0 || index >= classes.length) {
      throw new DlError('DATASET_INVALID', `Label ${String(raw)} of example ${i} is not one of the ${classes.length} classes`);
    }
    labels[i] = index;
  });
  const featureShape = shape;
  return {
    size,
    featureShape,
    classes,
    labels,
    source: input.source ?? 'arrays',
    read: async (indices) => {
      const out = new Float32Array(indices.length * width);
      indices.forEach((item, i) => out.set(flat.subarray(item * width, (item + 1) * width), i * width));
      return out;
    },
  };
}

/** The items at `indices` of a dataset, in that order. */
export function subset(dataset: Dataset, indices: readonly number[], source = dataset.source): Dataset {
  const map = Int32Array.from(indices);
  return {
    size: map.length,
    featureShape: dataset.featureShape,
    classes: dataset.classes,
    labels: Int32Array.from(map, (i) => dataset.labels[i]!),
    ...(dataset.targets ? { targets: Float32Array.from(map, (i) => dataset.targets![i]!) } : {}),
    ...(dataset.inputs ? { inputs: Array.from(map, (i) => dataset.inputs![i]!) } : {}),
    source,
    read: (items) => dataset.read(items.map((i) => map[i]!)),
  };
}

/**
 * Applies `fn` to each example as it is read (a deterministic transform: scaling, feature selection). Random
 * augmentation belongs in `fit`'s `augment`, which gets a seeded generator.
 */
export function mapDataset(dataset: Dataset, fn: (features: Float32Array) => Float32Array, featureShape = dataset.featureShape): Dataset {
  const inSize = featureSize(dataset);
  const outSize = featureShape.reduce((a, b) => a * b, 1);
  return {
    ...dataset,
    featureShape,
    read: async (items) => {
      const raw = await dataset.read(items);
      const out = new Float32Array(items.length * outSize);
      for (let i = 0; i < items.length; i++) out.set(fn(raw.subarray(i * inSize, (i + 1) * inSize)), i * outSize);
      return out;
    },
  };
}

/** A dataset from tensors: `x` of shape [n, ...example], `y` of class indices [n] or one-hot [n, classes]. */
export async function fromTensors(
  x: { shape: number[]; data(): Promise<ArrayLike<number>> },
  y: { shape: number[]; data(): Promise<ArrayLike<number>> },
  classes?: string[],
): Promise<Dataset> {
  const [n, ...shape] = x.shape;
  if (n === undefined || y.shape[0] !== n) throw new DlError('DATASET_INVALID', `x has ${n} examples, y ${y.shape[0]}`);
  const raw = Array.from(await y.data());
  let labels: number[] = raw;
  if (y.shape.length === 2) {
    const width = y.shape[1]!;
    labels = Array.from({ length: n }, (_, i) => {
      const row = raw.slice(i * width, (i + 1) * width);
      return row.indexOf(Math.max(...row));
    });
  } else if (y.shape.length !== 1) {
    throw new DlError('DATASET_INVALID', `y must be class indices [n] or one-hot [n, classes], got shape [${y.shape.join(', ')}]`);
  }
  const count = classes?.length ?? (y.shape.length === 2 ? y.shape[1]! : Math.max(...labels) + 1);
  return fromArrays({
    features: Float32Array.from(await x.data()),
    labels,
    shape,
    classes: classes ?? Array.from({ length: count }, (_, i) => String(i)),
    source: 'tensors',
  });
}
