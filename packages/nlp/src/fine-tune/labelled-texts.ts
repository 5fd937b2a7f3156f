import { DlError, readInputStream } from '@dlkit/core';
import { readTableColumns } from '../text/read-texts.js';

export interface LabelledTexts {
  texts: string[];
  labels: string[];
  /** Rows left out, each with why (an unparsable JSONL line, an empty text or label). */
  skipped: Array<{ input: string; error: DlError }>;
}

/** Texts and their labels from two columns of a CSV (with a header row) or JSONL file. */
export async function readLabelledTexts(path: string, columns: { text: string; label: string }): Promise<LabelledTexts> {
  if (!/\.(csv|jsonl|ndjson)$/i.test(path)) throw new DlError('INPUT_UNSUPPORTED', `${path}: labelled texts come as .csv (with a header) or .jsonl`);
  const out: LabelledTexts = { texts: [], labels: [], skipped: [] };
  for await (const row of readTableColumns(path, readInputStream(path), [columns.text, columns.label])) {
    if ('error' in row) out.skipped.push(row);
    else if (row.values[0]!.trim() === '' || row.values[1]!.trim() === '') {
      out.skipped.push({ input: row.input, error: new DlError('DATASET_INVALID', `${row.input}: empty ${row.values[0]!.trim() === '' ? 'text' : 'label'}`) });
    } else {
      out.texts.push(row.values[0]!);
      out.labels.push(row.values[1]!.trim());
    }
  }
  if (out.texts.length === 0) throw new DlError('DATASET_INVALID', `${path}: no row has both a '${columns.text}' and a '${columns.label}'`);
  return out;
}
