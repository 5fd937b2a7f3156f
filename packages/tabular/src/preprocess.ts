// How a table's columns become the numbers a network takes, fitted on the training rows only and stored in the
// model's manifest (`input`), so that prediction prepares a new row exactly as training did.
import { DlError } from '@dlkit/core';
import { z } from 'zod';
import { clipped } from './table.js';

/** The manifest `input.kind` of a model trained by `trainTabular`. */
export const TABLE_INPUT_KIND = 'table';

/** Values read as missing (case-insensitive), besides an empty field: what R, pandas and UCI tables write. */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' ? Number.isNaN(value) : MISSING.has(String(value).trim().toLowerCase()));
}

/** A number, or undefined when the text is not one (missing values are checked first by the caller). */
export function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** At most this many categories of a column are one-hot encoded: the most frequent; rarer ones encode as none. */
export const MAX_CATEGORIES = 64;

const numericColumn = z.strictObject({
  name: z.string(),
  type: z.literal('numeric'),
  mean: z.number(),
  std: z.number().positive(),
  /** A 0/1 column says whether the value was missing (imputed with the mean): only when training had some missing. */
  missingIndicator: z.boolean(),
});

const categoricalColumn = z.strictObject({
  name: z.string(),
  type: z.literal('categorical'),
  /** One-hot slots, most frequent first; a value not among them (unseen, or rarer than the cap) encodes as all zeros. */
  categories: z.array(z.string()),
  /** A slot for a missing value: only when training had some missing. */
  missingCategory: z.boolean(),
});

export type ColumnEncoding = z.infer<typeof numericColumn> | z.infer<typeof categoricalColumn>;

/** The `input` section of a tabular model's manifest. */
export const tableInputSchema = z
  .strictObject({
    kind: z.literal(TABLE_INPUT_KIND),
    label: z.string(),
    columns: z.array(z.discriminatedUnion('type', [numericColumn, categoricalColumn])).min(1),
    /** The columns' names, in order: what a row must hold (the key every tabular manifest of dlkit has). */
    features: z.array(z.string()).min(1),
    width: z.number().int().positive(),
    /** Regression: the network predicts (target - mean) / std. */
    target: z.strictObject({ mean: z.number(), std: z.number().positive() }).optional(),
  })
  // A manifest is read from a folder anyone may have edited: its parts must agree, or rows would be encoded to a width
  // the network does not take (an untyped tfjs error) or read from columns it does not name.
  .refine((input) => input.features.length === input.columns.length && input.features.every((f, i) => f === input.columns[i]!.name), { message: 'features must name the columns, in order' })
  .refine((input) => input.width === encodedWidth(input.columns), { message: 'width must be the width of the column encodings' });

export type TableInput = z.infer<typeof tableInputSchema>;

/** Columns: the type of each one, from all its non-missing values. */
export function inferColumnType(values: readonly string[]): 'numeric' | 'categorical' {
  let numbers = 0;
  let present = 0;
  for (const v of values) {
    if (isMissing(v)) continue;
    present++;
    if (numberOf(v) !== undefined) numbers++;
  }
  // Mostly numbers: numeric, and the few texts are errors (a typo, a unit) rather than categories.
  return present > 0 && numbers >= 0.9 * present ? 'numeric' : 'categorical';
}

/** The first non-missing value of a numeric column that is not a number, as a DATASET_INVALID naming it. */
export function assertNumeric(column: string, values: readonly string[], lines: readonly number[], source: string): void {
  const bad = values.findIndex((v) => !isMissing(v) && numberOf(v) === undefined);
  if (bad >= 0) {
    throw new DlError('DATASET_INVALID', `${source}:${lines[bad]}: column '${clipped(column)}' holds numbers, but this row has ${JSON.stringify(clipped(values[bad]!))}; fix it, or leave it empty (missing)`);
  }
}

/** Mean and standard deviation of a numeric column's present values (std 1 for a constant column). */
function numericEncoding(name: string, values: readonly string[]): ColumnEncoding {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (isMissing(v)) continue;
    sum += numberOf(v)!;
    count++;
  }
  const mean = count > 0 ? sum / count : 0;
  let squares = 0;
  for (const v of values) if (!isMissing(v)) squares += (numberOf(v)! - mean) ** 2;
  const std = count > 0 ? Math.sqrt(squares / count) : 0;
  return { name, type: 'numeric', mean, std: std > 1e-12 ? std : 1, missingIndicator: count < values.length };
}

function categoricalEncoding(name: string, values: readonly string[]): { encoding: ColumnEncoding; dropped: number } {
  const counts = new Map<string, number>();
  let missing = false;
  for (const v of values) {
    if (isMissing(v)) missing = true;
    else counts.set(v.trim(), (counts.get(v.trim()) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  return {
    encoding: { name, type: 'categorical', categories: sorted.slice(0, MAX_CATEGORIES), missingCategory: missing },
    dropped: Math.max(0, sorted.length - MAX_CATEGORIES),
  };
}

/**
 * The encoding of every feature column, from the training rows only (`values[c]` is column c's values). A column
 * with more categories than the cap keeps the most frequent; `notes` says which were capped.
 */
export function fitEncodings(columns: readonly { name: string; type: 'numeric' | 'categorical'; values: readonly string[] }[]): { encodings: ColumnEncoding[]; notes: string[] } {
  const notes: string[] = [];
  const encodings = columns.map((column) => {
    if (column.type === 'numeric') return numericEncoding(column.name, column.values);
    const { encoding, dropped } = categoricalEncoding(column.name, column.values);
    if (dropped > 0) notes.push(`column '${column.name}' has ${MAX_CATEGORIES + dropped} categories: the ${MAX_CATEGORIES} most frequent are encoded, the other ${dropped} as none`);
    return encoding;
  });
  return { encodings, notes };
}

export function encodedWidth(encodings: readonly ColumnEncoding[]): number {
  return encodings.reduce((w, e) => w + (e.type === 'numeric' ? (e.missingIndicator ? 2 : 1) : e.categories.length + (e.missingCategory ? 1 : 0)), 0);
}

/** What encoding a row met that training did not: per column, values encoded as none (unseen) or imputed. */
export interface EncodeNotes {
  unseen: Record<string, number>;
}

/**
 * One row's features: `values[c]` for encodings[c]. A numeric value that is not a number is INPUT_UNREADABLE
 * naming the column; an unseen category encodes as all zeros and is counted in `notes`.
 */
export function encodeRow(encodings: readonly ColumnEncoding[], values: readonly unknown[], out: Float32Array, offset: number, notes: EncodeNotes): void {
  let at = offset;
  encodings.forEach((e, c) => {
    const v = values[c];
    if (e.type === 'numeric') {
      const missing = isMissing(v);
      const n = missing ? e.mean : numberOf(v);
      if (n === undefined) throw new DlError('INPUT_UNREADABLE', `Column '${clipped(e.name)}' is ${JSON.stringify(typeof v === 'string' ? clipped(v) : v)}, not a number`);
      out[at++] = (n - e.mean) / e.std;
      if (e.missingIndicator) out[at++] = missing ? 1 : 0;
      return;
    }
    const width = e.categories.length + (e.missingCategory ? 1 : 0);
    out.fill(0, at, at + width);
    const slot = isMissing(v) ? (e.missingCategory ? e.categories.length : -1) : e.categories.indexOf(String(v).trim());
    if (slot >= 0) out[at + slot] = 1;
    else notes.unseen[e.name] = (notes.unseen[e.name] ?? 0) + 1;
    at += width;
  });
}
