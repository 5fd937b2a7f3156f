import { extname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { DlError, errorMessage } from '../../errors.js';
import { DEFAULT_MAX_FIELD_BYTES, parseCsv } from '../../io/csv.js';
import { openInputFile, readInputFile } from '../../io/read-input.js';
import { classesOf, fromArrays, type Dataset } from './dataset.js';

export interface TabularOptions {
  /** Column (CSV header name or JSONL key) holding the class. */
  label: string;
  /** Numeric feature columns (default: every other column). */
  features?: string[];
  /** `csv` or `jsonl` (default: from the file extension). */
  format?: 'csv' | 'jsonl';
}

/** Splits one CSV record (RFC 4180 quoting) into fields. */
export function parseCsvRecord(record: string): string[] {
  return parseCsv(record)[0] ?? [''];
}

interface Record_ {
  start: number;
  end: number;
  /** 1-based line where the record starts, for error messages. */
  line: number;
}

/**
 * Streams the file once to find where each record starts and ends (newlines inside CSV quotes do not end a
 * record), so rows can be read back one batch at a time. Memory: two numbers per row.
 */
async function indexRecords(path: string, csv: boolean, onRecord: (text: string, row: number) => void): Promise<Record_[]> {
  const records: Record_[] = [];
  let carry: Buffer[] = [];
  let carried = 0;
  let recordStart = 0;
  let position = 0;
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const finish = (end: number, chunk: Buffer, from: number, to: number) => {
    carry.push(chunk.subarray(from, to));
    let text = Buffer.concat(carry).toString('utf8');
    carry = [];
    carried = 0;
    if (records.length === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() !== '') {
      onRecord(text, recordLine);
      records.push({ start: recordStart, end, line: recordLine });
    }
  };
  // Training files may be larger than memory: no byte cap on the file, but it must be a regular one.
  const { handle } = await openInputFile(path, { maxBytes: Number.MAX_SAFE_INTEGER });
  try {
    for await (const chunk of handle.createReadStream() as AsyncIterable<Buffer>) {
      let from = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (csv && byte === 0x22) quoted = !quoted;
        else if (byte === 0x0a) {
          line++;
          if (quoted) continue;
          finish(position + i, chunk, from, i);
          recordLine = line;
          from = i + 1;
          recordStart = position + i + 1;
        }
      }
      carry.push(chunk.subarray(from));
      carried += chunk.length - from;
      // One record is held in memory while it is read: an unclosed quote would otherwise hold the rest of the file.
      if (carried > MAX_RECORD_BYTES) throw recordTooLarge(path, recordLine, quoted);
      position += chunk.length;
    }
  } catch (error) {
    if (error instanceof DlError) throw error;
    throw new DlError('DATASET_INVALID', `Cannot read ${path}: ${errorMessage(error)}`, { cause: error });
  } finally {
    await handle.close();
  }
  if (quoted) throw new DlError('DATASET_INVALID', `${path}:${recordLine}: a quote opened in this record never closes; close it, or write a quote inside a field as ""`);
  finish(position, Buffer.alloc(0), 0, 0);
  return records;
}

/** One row of a table: far above any real row (the CSV reader's field cap), far below memory. */
const MAX_RECORD_BYTES = 4 * DEFAULT_MAX_FIELD_BYTES;

function recordTooLarge(path: string, line: number, quoted: boolean): DlError {
  const hint = quoted ? ' (inside a quote opened there: is it closed?)' : '';
  return new DlError('INPUT_TOO_LARGE', `${path}:${line}: a record over the ${MAX_RECORD_BYTES}-byte limit${hint}`);
}

/** How rows of one table are read: its columns, as the CSV header or the first JSONL object fixes them. */
class TableRows {
  header: string[] | undefined;
  featureColumns: string[];
  featureIndex: number[] = [];
  labelIndex = -1;

  constructor(
    readonly path: string,
    readonly csv: boolean,
    readonly options: TabularOptions,
  ) {
    this.featureColumns = options.features ?? [];
  }

  invalid(row: number, why: string): DlError {
    return new DlError('DATASET_INVALID', `${this.path}:${row}: ${why}`);
  }

  /** The CSV header: the label column, and the feature columns (default: every other one). */
  readHeader(text: string, row: number): void {
    const header = parseCsvRecord(text).map((h) => h.trim());
    this.header = header;
    this.labelIndex = header.indexOf(this.options.label);
    if (this.labelIndex < 0) throw this.invalid(row, `no label column '${this.options.label}' in the header (${header.join(', ')})`);
    if (this.featureColumns.length === 0) this.featureColumns = header.filter((_, i) => i !== this.labelIndex);
    this.featureIndex = this.featureColumns.map((c) => {
      const i = header.indexOf(c);
      if (i < 0) throw this.invalid(row, `no feature column '${c}' in the header`);
      return i;
    });
  }

  /** One record's label and numeric features; errors name the file and line. */
  parse(text: string, row: number): { label: string; values: number[] } {
    const { label, raw } = this.csv ? this.csvFields(text, row) : this.jsonFields(text, row);
    if (typeof label !== 'string' && typeof label !== 'number') throw this.invalid(row, `label ${JSON.stringify(label)} is not a string or number`);
    if (String(label).trim() === '') throw this.invalid(row, 'empty label');
    const values = raw.map((v, i) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      if (!Number.isFinite(n)) throw this.invalid(row, `feature '${this.featureColumns[i]}' is ${JSON.stringify(v)}, not a number`);
      return n;
    });
    return { label: String(label), values };
  }

  private csvFields(text: string, row: number): { label: unknown; raw: unknown[] } {
    const header = this.header!;
    const fields = parseCsvRecord(text);
    if (fields.length !== header.length) throw this.invalid(row, `${fields.length} fields, the header has ${header.length}`);
    return { label: fields[this.labelIndex], raw: this.featureIndex.map((i) => fields[i]) };
  }

  private jsonFields(text: string, row: number): { label: unknown; raw: unknown[] } {
    let object: Record<string, unknown>;
    try {
      object = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw this.invalid(row, `not valid JSON (${errorMessage(error)})`);
    }
    if (object === null || typeof object !== 'object' || Array.isArray(object)) throw this.invalid(row, 'not a JSON object');
    const labelKey = this.options.label;
    if (this.featureColumns.length === 0) this.featureColumns = Object.keys(object).filter((k) => k !== labelKey);
    const label = object[labelKey];
    const missing = this.featureColumns.find((c) => !(c in object));
    if (missing !== undefined) throw this.invalid(row, `no '${missing}' key`);
    if (label === undefined) throw this.invalid(row, `no '${labelKey}' key`);
    return { label, raw: this.featureColumns.map((c) => object[c]) };
  }
}

/** Reads the given rows back from the file, one open per batch. */
function readRows(table: TableRows, rows: Record_[], width: number): Dataset['read'] {
  return async (items) => {
    const out = new Float32Array(items.length * width);
    const { handle } = await openInputFile(table.path, { maxBytes: Number.MAX_SAFE_INTEGER });
    try {
      for (let i = 0; i < items.length; i++) {
        const { start, end, line } = rows[items[i]!]!;
        const buffer = Buffer.alloc(end - start);
        await handle.read(buffer, 0, buffer.length, start);
        const text = buffer.toString('utf8').replace(/^\uFEFF/, '').replace(/\r$/, '');
        out.set(table.parse(text, line).values, i * width);
      }
    } finally {
      await handle.close();
    }
    return out;
  };
}

/**
 * A CSV (with a header row) or JSONL file of numeric features and a label column. Rows are indexed in one
 * streaming pass and read back per batch, so files larger than memory train.
 */
export async function fromTabular(path: string, options: TabularOptions): Promise<Dataset> {
  return (await readTable(path, options)).dataset;
}

/** `fromTabular`, with the feature columns it read, in order: a model trained on them records them in its manifest. */
export async function readTable(path: string, options: TabularOptions): Promise<{ dataset: Dataset; features: string[] }> {
  const format = options.format ?? (/\.jsonl?$|\.ndjson$/i.test(extname(path)) ? 'jsonl' : 'csv');
  const csv = format === 'csv';
  const table = new TableRows(path, csv, options);
  const rawLabels: string[] = [];
  const records = await indexRecords(path, csv, (text, row) => {
    if (csv && table.header === undefined) table.readHeader(text, row);
    else rawLabels.push(table.parse(text, row).label);
  });
  const rows = csv ? records.slice(1) : records;
  if (rows.length === 0) throw new DlError('DATASET_INVALID', `${path} has no data rows`);
  if (table.featureColumns.length === 0) throw new DlError('DATASET_INVALID', `${path} has no feature columns besides '${options.label}'`);
  const classes = classesOf(rawLabels);
  const width = table.featureColumns.length;
  const dataset: Dataset = {
    size: rows.length,
    featureShape: [width],
    classes,
    labels: Int32Array.from(rawLabels, (l) => classes.indexOf(l)),
    source: path,
    read: readRows(table, rows, width),
  };
  return { dataset, features: table.featureColumns };
}

/**
 * A split of a scikit-learn table (`{type: 'sklearn-table', ...}` in the data-set registry): `path` is sklearn's
 * CSV (a first line `<rows>,<features>,<class names...>`, then the features and the class index of each row) or a
 * whitespace-separated table without a header (`diabetes_data_raw.csv.gz`); `.gz` is decompressed. `columns`
 * names the features in file order; `label` names the class column (classification), `target` is a file beside
 * `path` with the number to predict for each row (regression).
 */
export const sklearnTableSchema = z.strictObject({
  type: z.literal('sklearn-table'),
  path: z.string(),
  columns: z.array(z.string()).min(1),
  label: z.string().optional(),
  target: z.string().optional(),
});

export type SklearnTableConfig = z.infer<typeof sklearnTableSchema>;

/** A table with every value as text: what `readSklearnTable` gives, the label (or target) as the last column. */
export interface TextTable {
  columns: string[];
  rows: string[][];
  /** 1-based line of each row in its file. */
  lines: number[];
  source: string;
}

/** sklearn's tables are a few hundred KB; decompressed ones are capped likewise far above that. */
const MAX_SKLEARN_BYTES = 64 * 1024 * 1024;

async function sklearnText(path: string): Promise<string> {
  const bytes = await readInputFile(path, { maxBytes: MAX_SKLEARN_BYTES });
  if (!path.endsWith('.gz')) return bytes.toString('utf8');
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_SKLEARN_BYTES }).toString('utf8');
  } catch (error) {
    throw new DlError('DATASET_INVALID', `${path}: not a readable gzip file (${errorMessage(error)})`, { cause: error });
  }
}

/** The records of an sklearn table file: comma-separated, or whitespace-separated when a line has no comma. */
function sklearnRecords(text: string): Array<{ line: number; fields: string[] }> {
  return text.split('\n').flatMap((raw, i) => {
    const line = raw.trim();
    if (line === '') return [];
    return [{ line: i + 1, fields: line.includes(',') ? line.split(',').map((f) => f.trim()) : line.split(/\s+/) }];
  });
}

/** `<rows>,<features>,<class names...>`: sklearn's first line of a classification table (names, not numbers), or undefined. */
function sklearnHeader(fields: readonly string[]): { rows: number; features: number; classes: string[] } | undefined {
  const [rows, features, ...classes] = fields;
  if (!/^\d+$/.test(rows ?? '') || !/^\d+$/.test(features ?? '')) return undefined;
  if (classes.length === 0 || classes.some((c) => c === '' || Number.isFinite(Number(c)))) return undefined;
  return { rows: Number(rows), features: Number(features), classes };
}

/**
 * Reads an `sklearn-table` split (its paths resolved by `resolvePath`, against the data set's folder) into a text table: the feature columns, then the label
 * (a class name) or the target; `classes` are the class names of the first line, in index order (none: regression).
 */
export async function readSklearnTable(config: SklearnTableConfig, resolvePath: (path: string) => string): Promise<TextTable & { classes: string[] }> {
  const path = resolvePath(config.path);
  const invalid = (line: number | string, why: string) => new DlError('DATASET_INVALID', `${path}:${line}: ${why}`);
  let records = sklearnRecords(await sklearnText(path));
  const header = records[0] ? sklearnHeader(records[0].fields) : undefined;
  if (header) records = records.slice(1);
  const width = config.columns.length;
  if (header && header.features !== width) throw invalid(1, `${header.features} features, the data set names ${width} columns`);
  if (header && header.rows !== records.length) throw invalid(1, `says ${header.rows} rows, the file has ${records.length}`);
  const targets = config.target === undefined ? undefined : sklearnRecords(await sklearnText(resolvePath(config.target))).map((r) => r.fields[0]!);
  if (targets && targets.length !== records.length) throw invalid('', `${records.length} rows, but the target file ${config.target} has ${targets.length}`);
  const classes = header?.classes ?? [];
  const rows = records.map(({ line, fields }, i) => {
    if (targets) {
      if (fields.length !== width) throw invalid(line, `${fields.length} fields, the data set names ${width} columns`);
      return [...fields, targets[i]!];
    }
    if (fields.length !== width + 1) throw invalid(line, `${fields.length} fields; expected ${width} features and the class`);
    const label = classes[Number(fields[width])];
    if (!/^\d+$/.test(fields[width]!) || label === undefined) throw invalid(line, `class ${JSON.stringify(fields[width])} is not an index into the ${classes.length} class names of line 1`);
    return [...fields.slice(0, width), label];
  });
  if (!targets && classes.length === 0) throw invalid(1, 'no class names on the first line, and no target file: neither a classification nor a regression table');
  return { columns: [...config.columns, config.label ?? 'target'], rows, lines: records.map((r) => r.line), source: path, classes: targets ? [] : classes };
}

/** An sklearn table as a numeric dataset: classes in the order of the file's first line, or regression targets. */
export async function sklearnDataset(config: SklearnTableConfig, resolvePath: (path: string) => string): Promise<{ dataset: Dataset; features: string[]; label: string }> {
  const table = await readSklearnTable(config, resolvePath);
  const width = config.columns.length;
  const features = table.rows.map((row, r) =>
    row.slice(0, width).map((v, c) => {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) throw new DlError('DATASET_INVALID', `${table.source}:${table.lines[r]}: '${config.columns[c]}' is ${JSON.stringify(v)}, not a number`);
      return n;
    }),
  );
  const label = table.columns[width]!;
  const last = table.rows.map((row) => row[width]!);
  if (config.target === undefined) return { dataset: fromArrays({ features, labels: last, classes: table.classes, source: table.source }), features: config.columns, label };
  const base = fromArrays({ features, labels: last.map(() => 0), classes: ['value'], source: table.source });
  return { dataset: { ...base, classes: [], targets: Float32Array.from(last, Number) }, features: config.columns, label };
}
