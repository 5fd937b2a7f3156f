import { extname } from 'node:path';
import { DEFAULT_MAX_FIELD_BYTES, DlError, errorMessage, readCsv, readInput, readInputStream, readLines, STDIN } from '@dlkit/core';
import { decodeText, decodeUtf8, textChunks } from './decode.js';

/** One text to process and where it came from (`file:line`, `file:row`, or the file itself). */
export interface TextItem {
  input: string;
  text: string;
}

export interface ReadTextsOptions {
  /** `lines`: each non-empty line (or CSV/JSONL row) is one text; `document`: each file is one. */
  mode: 'lines' | 'document';
  /** For .csv / .jsonl / .ndjson sources: the column or key holding the text. */
  column?: string;
  /** Largest source, bytes (default 256 MiB). */
  maxBytes?: number;
  /** Largest text: a line, a CSV field or a document, bytes (default 16 MiB); INPUT_TOO_LARGE past it. */
  maxTextBytes?: number;
  /** Where a source may come from besides a file (all off by default; see core's `ReadInputOptions`). */
  allowUrls?: boolean;
  allowStdin?: boolean;
  allowPrivateHosts?: boolean;
}

const isTable = (path: string) => /^\.(csv|jsonl|ndjson)$/i.test(extname(path));
const nameOf = (source: string) => (source === STDIN ? 'standard input' : source);

/** One row of a table: where it is and its values in the order asked for, or why it cannot be used. */
export type TableRow = { input: string; values: string[] } | { input: string; error: DlError };

/** The given columns of each CSV record after the header; a missing column, a quote that never closes, or a field over the cap fails the rest. */
async function* csvColumns(source: string, chunks: AsyncIterable<Uint8Array>, columns: readonly string[], maxFieldBytes: number): AsyncGenerator<TableRow> {
  let indices: number[] | undefined;
  let row = 1;
  for await (const record of readCsv(chunks, { name: source, maxFieldBytes })) {
    if (indices === undefined) {
      const names = record.fields.map((h) => h.trim());
      indices = columns.map((column) => {
        const index = names.indexOf(column);
        if (index < 0) throw new DlError('INPUT_UNREADABLE', `${source}: no column '${column}' in the header (${record.fields.join(', ')})`);
        return index;
      });
      continue;
    }
    row++;
    yield { input: `${source}:${row}`, values: indices.map((index) => record.fields[index] ?? '') };
  }
  if (indices === undefined) throw new DlError('INPUT_UNREADABLE', `${source}: no column '${columns[0]}' in the header (empty file)`);
}

/** The given keys of each JSONL line; a line that is not JSON, lacks a value or is over the cap fails alone. */
async function* jsonlColumns(source: string, chunks: AsyncIterable<Uint8Array>, columns: readonly string[], maxLineBytes: number): AsyncGenerator<TableRow> {
  for await (const line of readLines(chunks, { name: source, maxLineBytes })) {
    const input = `${source}:${line.line}`;
    if ('error' in line) {
      yield { input, error: line.error };
      continue;
    }
    let row: unknown;
    try {
      const text = decodeUtf8(line.bytes, input);
      if (text.trim() === '') continue;
      row = JSON.parse(text);
    } catch (error) {
      yield { input, error: error instanceof DlError ? error : new DlError('INPUT_UNREADABLE', `${input}: not valid JSON (${errorMessage(error)})`) };
      continue;
    }
    const values = columns.map((column) => (row as Record<string, unknown> | null)?.[column]);
    const missing = columns.find((_, k) => typeof values[k] !== 'string' && typeof values[k] !== 'number');
    if (missing !== undefined) yield { input, error: new DlError('INPUT_UNREADABLE', `${input}: no string '${missing}'`) };
    else yield { input, values: values.map(String) };
  }
}

/**
 * The given columns of each row of a CSV (header row) or JSONL stream, read in bounded memory (each field or
 * line at most `maxTextBytes`). A missing column in a CSV header fails the file; a JSONL line that is not JSON
 * or lacks a string value fails that row alone.
 */
export function readTableColumns(source: string, chunks: AsyncIterable<Uint8Array>, columns: readonly string[], maxTextBytes = DEFAULT_MAX_FIELD_BYTES): AsyncGenerator<TableRow> {
  const text = textChunks(chunks);
  return /\.csv$/i.test(source) ? csvColumns(source, text, columns, maxTextBytes) : jsonlColumns(source, text, columns, maxTextBytes);
}

type ReadResult = { ok: true; value: TextItem[] } | { ok: false; source: string; error: DlError };

/** Appends a text or a row's error, keeping consecutive texts in one result. */
function append(out: ReadResult[], input: string, text: string | DlError): void {
  const last = out.at(-1);
  if (text instanceof DlError) out.push({ ok: false, source: input, error: text });
  else if (last?.ok) last.value.push({ input, text });
  else out.push({ ok: true, value: [{ input, text }] });
}

/** Each non-blank line of a text stream; a line over the cap or not UTF-8 fails alone. */
async function fromLines(source: string, chunks: AsyncIterable<Uint8Array>, maxLineBytes: number, out: ReadResult[]): Promise<void> {
  for await (const line of readLines(textChunks(chunks), { name: nameOf(source), maxLineBytes })) {
    const input = `${source}:${line.line}`;
    const text = 'error' in line ? line.error : decodedOrError(line.bytes, input);
    if (typeof text !== 'string' || text.trim() !== '') append(out, input, text);
  }
}

function decodedOrError(bytes: Uint8Array, input: string): string | DlError {
  try {
    return decodeUtf8(bytes, input);
  } catch (error) {
    return error as DlError;
  }
}

/** The texts of one source into `out`, streamed where they are lines or rows: what came before a failure stays. */
async function readSource(source: string, options: ReadTextsOptions, out: ReadResult[]): Promise<void> {
  const maxText = options.maxTextBytes ?? DEFAULT_MAX_FIELD_BYTES;
  const access = { allowUrls: options.allowUrls === true, allowStdin: options.allowStdin === true, allowPrivateHosts: options.allowPrivateHosts === true };
  const limits = { ...access, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) };
  if (options.column !== undefined && source !== STDIN && isTable(source)) {
    for await (const row of readTableColumns(source, readInputStream(source, limits), [options.column], maxText)) append(out, row.input, 'error' in row ? row.error : row.values[0]!);
  } else if (options.mode === 'document') {
    // A document is one text: its cap is the text cap.
    const content = decodeText(await readInput(source, { ...access, maxBytes: Math.min(maxText, options.maxBytes ?? maxText) }), nameOf(source));
    if (content.trim() !== '') append(out, source, content);
  } else await fromLines(source, readInputStream(source, limits), maxText, out);
}

/**
 * The texts in files (UTF-8 or UTF-16 with BOM, any line ends) and standard input (`-`), per line or per
 * document, or one column of CSV / JSONL files, read in bounded memory per text. A source that cannot be read
 * fails alone; so does a line or JSONL row that cannot be used (too long, not UTF-8, not JSON). A CSV that
 * breaks (a quote that never closes, a field over the cap) keeps the rows before and fails from there.
 */
export async function readTexts(sources: readonly string[], options: ReadTextsOptions): Promise<ReadResult[]> {
  const out: ReadResult[] = [];
  for (const source of sources) {
    const read: ReadResult[] = [];
    try {
      await readSource(source, options, read);
      // A source with nothing in it is said, not skipped in silence: an empty export is usually a mistake upstream.
      if (read.length === 0) throw new DlError('INPUT_UNSUPPORTED', `${nameOf(source)}: no text in it (empty, or only blank lines)`);
    } catch (error) {
      read.push({ ok: false, source, error: error instanceof DlError ? error : new DlError('INPUT_UNREADABLE', `${source}: ${errorMessage(error)}`, { cause: error }) });
    }
    out.push(...read);
  }
  return out;
}
