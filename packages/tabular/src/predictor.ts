import {
  DlError,
  isDlError,
  loadLocalModel,
  parseModelReference,
  selectTfjsBackend,
  type LayersModel,
  type LoadedManifest,
  type Settled,
  type Tf,
} from '@dlkit/core';
import { loadNetworkWithLabels, topLabels } from './network.js';
import { encodeRow, tableInputSchema, type EncodeNotes, type TableInput } from './preprocess.js';
import type { RowLabel, RowValue } from './tasks.js';

export type TabularModelTask = 'tabular-classification' | 'tabular-regression';

/** What a prediction call met that training did not: per column, how many rows had a category it never saw. */
export interface PredictionNotes {
  unseen: Record<string, number>;
}

export interface TabularPredictor {
  task: TabularModelTask;
  /** The model's name (its manifest's). */
  model: string;
  device: string;
  /** The column it predicts, and those it reads (every other column of a row is ignored). */
  label: string;
  columns: string[];
  /** Class names (classification; empty for regression). */
  classes: string[];
  /**
   * One result per row: class probabilities best first (`topK` of them, default 1) or `{ value }`; a row
   * without a column the model reads, or with text in a numeric column, fails alone (INPUT_UNREADABLE).
   */
  predict(rows: readonly unknown[], options?: { topK?: number }): Promise<{ results: Settled<RowLabel[] | RowValue>[]; notes: PredictionNotes }>;
  dispose(): void;
}

export function parseTableInput(loaded: LoadedManifest): TableInput {
  const parsed = tableInputSchema.safeParse(loaded.manifest.input);
  if (!parsed.success) {
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} (${loaded.dir}): its input is not a table encoding written by trainTabular (${parsed.error.issues[0]?.path.join('.') || 'input'}: ${parsed.error.issues[0]?.message})`, { cause: parsed.error });
  }
  return parsed.data;
}

/** The row's values in the model's column order; a row that is not an object, or lacks a column, is that row's error. */
function rowValues(row: unknown, input: TableInput): unknown[] {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new DlError('INVALID_ARGUMENT', 'A table row is an object of column -> value', { parameter: 'inputs' });
  }
  const values = row as Record<string, unknown>;
  return input.columns.map((c) => {
    if (!Object.hasOwn(values, c.name)) throw new DlError('INPUT_UNREADABLE', `The row has no '${c.name}' column`);
    return values[c.name];
  });
}

function run(tf: Tf, network: LayersModel, features: Float32Array, count: number, width: number): Float32Array {
  return tf.tidy(() => (network.predict(tf.tensor2d(features, [count, width])) as ReturnType<Tf['tensor']>).dataSync() as Float32Array);
}

function answer(input: TableInput, labels: readonly string[], out: Float32Array, i: number, topK: number): RowLabel[] | RowValue {
  if (input.target) return { value: out[i]! * input.target.std + input.target.mean };
  const k = labels.length;
  return topLabels(out.subarray(i * k, (i + 1) * k), labels, topK);
}

/** Encodes each row (a bad one fails alone, and counts nothing) and runs the readable ones through the network in one batch. */
function predictRows(tf: Tf, network: LayersModel, input: TableInput, labels: readonly string[], rows: readonly unknown[], topK: number) {
  const notes: EncodeNotes = { unseen: {} };
  const features = new Float32Array(rows.length * input.width);
  let count = 0;
  const settled = rows.map((row): Settled<number> => {
    const mine: EncodeNotes = { unseen: {} };
    try {
      encodeRow(input.columns, rowValues(row, input), features, count * input.width, mine);
    } catch (error) {
      if (!isDlError(error)) throw error;
      return { ok: false, error };
    }
    for (const [column, n] of Object.entries(mine.unseen)) notes.unseen[column] = (notes.unseen[column] ?? 0) + n;
    return { ok: true, value: count++ };
  });
  const out = count > 0 ? run(tf, network, features.subarray(0, count * input.width), count, input.width) : new Float32Array(0);
  const results = settled.map((s): Settled<RowLabel[] | RowValue> => (s.ok ? { ok: true, value: answer(input, labels, out, s.value, topK) } : s));
  return { results, notes };
}

/**
 * A model folder written by `trainTabular` (or `dl tabular train`), ready to predict rows of a table: the
 * column encodings of its manifest applied to each row, the network run on a batch of them.
 */
export async function createTabularPredictor(dir: string, expected?: TabularModelTask): Promise<TabularPredictor> {
  if (dir === '') throw new DlError('INVALID_ARGUMENT', 'A tabular model is a model folder trained on your table', { parameter: 'model' });
  const loaded = await loadLocalModel(parseModelReference(dir), expected);
  const task = loaded.manifest.task as TabularModelTask;
  if (task !== 'tabular-classification' && task !== 'tabular-regression') {
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} is for ${loaded.manifest.task}, not a tabular task (tabular-classification, tabular-regression)`);
  }
  const input = parseTableInput(loaded);
  const { tf, backend } = await selectTfjsBackend();
  const { network, labels } = await loadNetworkWithLabels(loaded, () => {
    if ((task === 'tabular-regression') !== (input.target !== undefined)) throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} (${loaded.dir}): a ${task} model ${input.target ? 'with' : 'without'} a target scale`);
  });
  // The manifest's width against the network's own input: a folder edited to disagree is refused here, not by tfjs mid-batch.
  const takes = network.inputs[0]?.shape.at(-1);
  if (takes !== input.width) {
    network.dispose();
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} (${loaded.dir}): its manifest encodes rows to ${input.width} numbers, its network takes ${takes}`);
  }
  return {
    task,
    model: loaded.manifest.name,
    device: backend,
    label: input.label,
    columns: input.columns.map((c) => c.name),
    classes: task === 'tabular-classification' ? labels : [],
    async predict(rows, { topK = 1 } = {}) {
      if (!Number.isInteger(topK) || topK < 1) throw new DlError('INVALID_ARGUMENT', `topK must be a positive integer, got ${topK}`, { parameter: 'topK' });
      return predictRows(tf, network, input, labels, rows, topK);
    },
    dispose() {
      network.dispose();
    },
  };
}
