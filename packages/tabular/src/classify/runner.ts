import {
  DlError,
  isDlError,
  loadLocalModel,
  MANIFEST_INPUT_KINDS,
  parseModelReference,
  selectTfjsBackend,
  type LayersModel,
  type LoadedManifest,
  type Settled,
  type TaskRunner,
  type Tf,
} from '@dlkit/core';
import { z } from 'zod';
import { loadNetworkWithLabels, topLabels } from '../network.js';
import { TABLE_INPUT_KIND } from '../preprocess.js';
import { loadTableRunner } from '../table-runner.js';
import type { RowLabel, TableRow, TabularCallOptions } from '../tasks.js';

/** What a tabular model's manifest says about its input: the feature columns, in the order the network takes them. */
const tableInputSchema = z.object({
  kind: z.literal(MANIFEST_INPUT_KINDS.features),
  features: z.array(z.string()).min(1),
  width: z.number().int().positive(),
});

type TableInput = z.infer<typeof tableInputSchema>;

function parseTableInput(loaded: LoadedManifest): TableInput {
  const parsed = tableInputSchema.safeParse(loaded.manifest.input);
  if (!parsed.success || parsed.data.features.length !== parsed.data.width) {
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} (${loaded.dir}): its input does not name its ${parsed.data?.width ?? ''} feature columns`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** The row's features in the model's column order; a missing or non-numeric one is that row's error. */
export function rowFeatures(row: unknown, columns: readonly string[]): Float32Array {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new DlError('INVALID_ARGUMENT', 'A table row is an object of column -> value', { parameter: 'inputs' });
  }
  const values = row as Record<string, unknown>;
  return Float32Array.from(columns, (column) => {
    const v = values[column];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) {
      throw new DlError('INPUT_UNREADABLE', v === undefined ? `The row has no '${column}' column` : `Column '${column}' is ${JSON.stringify(v)}, not a number`);
    }
    return n;
  });
}

function endsInSoftmax(model: LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  return (last?.getConfig() as { activation?: string } | undefined)?.activation === 'softmax';
}

/** Class probabilities of the rows, one array per row: the network's softmax, or softmax over its logits. */
function predict(tf: Tf, model: LayersModel, rows: Float32Array[], width: number): Float32Array[] {
  const flat = new Float32Array(rows.length * width);
  rows.forEach((row, i) => flat.set(row, i * width));
  const scores = tf.tidy(() => {
    const output = model.predict(tf.tensor2d(flat, [rows.length, width])) as ReturnType<Tf['tensor']>;
    return (endsInSoftmax(model) ? output : tf.softmax(output)).dataSync() as Float32Array;
  });
  const classes = scores.length / rows.length;
  return rows.map((_, i) => scores.subarray(i * classes, (i + 1) * classes));
}

/** The tabular-classification runner of a model folder written by `trainFromConfig` from a CSV or JSONL table, or by `trainTabular`. */
export async function loadTabularRunner(model: string): Promise<TaskRunner<TableRow, RowLabel[], TabularCallOptions>> {
  if (model === '') throw new DlError('INVALID_ARGUMENT', 'tabular-classification needs a model folder: a model trained on your table', { parameter: 'model' });
  const loaded = await loadLocalModel(parseModelReference(model), 'tabular-classification');
  // A model of `trainTabular` encodes its columns itself; one of a training config takes numbers as they are.
  if (loaded.manifest.input?.kind === TABLE_INPUT_KIND) return loadTableRunner<RowLabel[]>(model, 'tabular-classification');
  const input = parseTableInput(loaded);
  const { tf, backend } = await selectTfjsBackend();
  const { network, labels } = await loadNetworkWithLabels(loaded);
  return {
    model: loaded.manifest.name,
    device: backend,
    async run(rows, { topK = 1 }) {
      const prepared = rows.map((row): Settled<Float32Array> => {
        try {
          return { ok: true, value: rowFeatures(row, input.features) };
        } catch (error) {
          if (!isDlError(error)) throw error;
          return { ok: false, error };
        }
      });
      const readable = prepared.flatMap((p) => (p.ok ? [p.value] : []));
      const scores = readable.length > 0 ? predict(tf, network, readable, input.width) : [];
      let next = 0;
      return prepared.map((p): Settled<RowLabel[]> => (p.ok ? { ok: true, value: topLabels(scores[next++]!, labels, topK) } : p));
    },
    async dispose() {
      network.dispose();
    },
  };
}
