import { extname } from 'node:path';
import { DlError, errorMessage, parseCsv, readInput, STDIN } from '@dlkit/core';
import { decodeText } from './decode.js';

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
  maxBytes?: number;
}

const isTable = (path: string) => /^\.(csv|jsonl|ndjson)$/i.test(extname(path));

/** One row of a table: where it is and its values in the order asked for, or why it cannot be used. */
export type TableRow = { input: string; values: string[] } | { input: string; error: DlError };

/**
 * The given columns of each row of a CSV (header row) or JSONL file. A missing column in a CSV header fails the
 * file; a JSONL line that is not JSON or lacks a string value fails that row alone.
 */
export function readTableColumns(source: string, content: string, columns: readonly string[]): TableRow[] {
  if (/\.csv$/i.test(source)) {
    const [header, ...rows] = parseCsv(content);
    const names = header?.map((h) => h.trim()) ?? [];
    const indices = columns.map((column) => {
      const index = names.indexOf(column);
      if (index < 0) throw new DlError('INPUT_UNREADABLE', `${source}: no column '${column}' in the header (${header?.join(', ') ?? 'empty file'})`);
      return index;
    });
    return rows.map((row, i) => ({ input: `${source}:${i + 2}`, values: indices.map((index) => row[index] ?? '') }));
  }
  return content.split('\n').flatMap((line, i): TableRow[] => {
    if (line.trim() === '') return [];
    const input = `${source}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      return [{ input, error: new DlError('INPUT_UNREADABLE', `${input}: not valid JSON (${errorMessage(error)})`) }];
    }
    const values = columns.map((column) => (row as Record<string, unknown> | null)?.[column]);
    const missing = columns.find((_, k) => typeof values[k] !== 'string' && typeof values[k] !== 'number');
    if (missing !== undefined) return [{ input, error: new DlError('INPUT_UNREADABLE', `${input}: no string '${missing}'`) }];
    return [{ input, values: values.map(String) }];
  });
}

type ReadResult = { ok: true; value: TextItem[] } | { ok: false; source: string; error: DlError };

function fromTable(source: string, content: string, column: string): ReadResult[] {
  const out: ReadResult[] = [];
  for (const row of readTableColumns(source, content, [column])) {
    if ('error' in row) out.push({ ok: false, source: row.input, error: row.error });
    else if (out.at(-1)?.ok) (out.at(-1) as { value: TextItem[] }).value.push({ input: row.input, text: row.values[0]! });
    else out.push({ ok: true, value: [{ input: row.input, text: row.values[0]! }] });
  }
  return out.length > 0 ? out : [{ ok: true, value: [] }];
}

/**
 * The texts in files (UTF-8 or UTF-16 with BOM, any line ends) and standard input (`-`), per line or per
 * document, or one column of CSV / JSONL files. A source that cannot be read fails alone, and so does a JSONL
 * row that cannot be used.
 */
export async function readTexts(sources: readonly string[], options: ReadTextsOptions): Promise<ReadResult[]> {
  const out: ReadResult[] = [];
  for (const source of sources) {
    try {
      const content = decodeText(await readInput(source, options.maxBytes ? { maxBytes: options.maxBytes } : {}), source === STDIN ? 'standard input' : source);
      let read: ReadResult[];
      if (options.column !== undefined && source !== STDIN && isTable(source)) {
        read = fromTable(source, content, options.column);
      } else if (options.mode === 'document') {
        read = [{ ok: true, value: content.trim() === '' ? [] : [{ input: source, text: content }] }];
      } else {
        read = [{ ok: true, value: content.split('\n').flatMap((text, i) => (text.trim() === '' ? [] : [{ input: `${source}:${i + 1}`, text }])) }];
      }
      // A source with nothing in it is said, not skipped in silence: an empty export is usually a mistake upstream.
      if (read.every((r) => r.ok && r.value.length === 0)) throw new DlError('INPUT_UNSUPPORTED', `${source === STDIN ? 'standard input' : source}: no text in it (empty, or only blank lines)`);
      out.push(...read);
    } catch (error) {
      out.push({ ok: false, source, error: error instanceof DlError ? error : new DlError('INPUT_UNREADABLE', `${source}: ${errorMessage(error)}`, { cause: error }) });
    }
  }
  return out;
}
