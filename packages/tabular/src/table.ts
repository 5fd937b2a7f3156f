import { extname } from 'node:path';
import { DlError, errorMessage, readCsv, readInputFileStream, readLines, type TextTable } from '@dlkit/core';

/**
 * A table as read from a file, every value as text (a JSONL number becomes its decimal text, a JSON null an
 * empty field: missing); `lines` says where each row starts, for messages.
 */
export type RawTable = TextTable;

/**
 * A tabular model's data is held in memory while it trains (the statistics of its columns come from every
 * training row): tables of up to this many bytes. Far above the patient or transaction tables such models fit.
 */
export const MAX_TABLE_BYTES = 512 * 1024 * 1024;

/**
 * Columns of a table at most: the model's manifest stores every column's encoding (~180 bytes a numeric one) and a
 * model file is refused past 1 MiB when loaded, so a wider table would train for minutes into a model that cannot be
 * saved. Said when the header is read, before any row.
 */
export const MAX_TABLE_COLUMNS = 4096;

export type TableFormat = 'csv' | 'jsonl';

/** `jsonl` for .jsonl/.ndjson/.json names, else `csv`. */
export function tableFormatOf(path: string): TableFormat {
  return /^\.(jsonl|ndjson|json)$/i.test(extname(path)) ? 'jsonl' : 'csv';
}

/** Reads a CSV (a header row, then one record per row) or JSONL (one object per line) table. */
export async function readTableFile(path: string, format: TableFormat = tableFormatOf(path)): Promise<RawTable> {
  const chunks = readInputFileStream(path, { maxBytes: MAX_TABLE_BYTES });
  const table = format === 'csv' ? await csvTable(chunks, path) : await jsonlTable(chunks, path);
  if (table.rows.length === 0) throw new DlError('DATASET_INVALID', `${path} has no data rows`);
  return table;
}

async function csvTable(chunks: AsyncIterable<Uint8Array>, path: string): Promise<RawTable> {
  let columns: string[] | undefined;
  const rows: string[][] = [];
  const lines: number[] = [];
  for await (const { line, fields } of readCsv(chunks, { name: path, maxFields: MAX_TABLE_COLUMNS })) {
    if (columns === undefined) {
      columns = fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f).trim());
      assertColumns(columns, path);
      continue;
    }
    if (fields.length !== columns.length) throw new DlError('DATASET_INVALID', `${path}:${line}: ${fields.length} fields, the header has ${columns.length}`);
    rows.push(fields);
    lines.push(line);
  }
  if (columns === undefined) throw new DlError('DATASET_INVALID', `${path} is empty: a CSV table starts with a header row of column names`);
  return { columns, rows, lines, source: path };
}

/**
 * A cell or a column name as a message quotes it: a 10 MB field would make an error line of 10 MB, so a long text
 * is cut to its first `max` characters, with its length.
 */
export function clipped(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
}

function assertColumns(columns: string[], path: string): void {
  const empty = columns.indexOf('');
  if (empty >= 0) throw new DlError('DATASET_INVALID', `${path}: column ${empty + 1} of the header has no name`);
  // A Set, not indexOf per column: a header of a million columns is checked in linear time, not for hours.
  const seen = new Set<string>();
  const twice = columns.find((c) => seen.size === seen.add(c).size);
  if (twice !== undefined) throw new DlError('DATASET_INVALID', `${path}: the header names column '${clipped(twice)}' twice`);
}

/** A JSONL value as table text: numbers in decimal, null as missing; anything else is not a table cell. */
function cellText(value: unknown, path: string, line: number, key: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new DlError('DATASET_INVALID', `${path}:${line}: '${key}' is ${Array.isArray(value) ? 'an array' : 'an object'}, not a number or text`);
}

async function jsonlTable(chunks: AsyncIterable<Uint8Array>, path: string): Promise<RawTable> {
  let columns: string[] | undefined;
  const rows: string[][] = [];
  const lines: number[] = [];
  for await (const item of readLines(chunks, { name: path })) {
    if ('error' in item) throw item.error;
    const text = item.bytes.toString('utf8').trim();
    if (text === '') continue;
    let object: unknown;
    try {
      object = JSON.parse(text);
    } catch (error) {
      throw new DlError('DATASET_INVALID', `${path}:${item.line}: not valid JSON (${errorMessage(error)})`, { cause: error });
    }
    if (object === null || typeof object !== 'object' || Array.isArray(object)) throw new DlError('DATASET_INVALID', `${path}:${item.line}: not a JSON object`);
    const record = object as Record<string, unknown>;
    // The first object fixes the columns; a later one without a key has that value missing.
    columns ??= Object.keys(record);
    if (columns.length > MAX_TABLE_COLUMNS) throw new DlError('INPUT_TOO_LARGE', `${path}:${item.line}: ${columns.length} keys, more than the ${MAX_TABLE_COLUMNS} columns a table may have`);
    rows.push(columns.map((key) => cellText(record[key], path, item.line, key)));
    lines.push(item.line);
  }
  return { columns: columns ?? [], rows, lines, source: path };
}
