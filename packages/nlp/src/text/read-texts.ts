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

function fromTable(source: string, content: string, column: string): TextItem[] {
  if (/\.csv$/i.test(source)) {
    const [header, ...rows] = parseCsv(content);
    const index = header?.map((h) => h.trim()).indexOf(column) ?? -1;
    if (index < 0) throw new DlError('INPUT_UNREADABLE', `${source}: no column '${column}' in the header (${header?.join(', ') ?? 'empty file'})`);
    return rows.map((row, i) => ({ input: `${source}:${i + 2}`, text: row[index] ?? '' }));
  }
  return content.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new DlError('INPUT_UNREADABLE', `${source}:${i + 1}: not valid JSON (${errorMessage(error)})`);
    }
    const text = (row as Record<string, unknown> | null)?.[column];
    if (typeof text !== 'string') throw new DlError('INPUT_UNREADABLE', `${source}:${i + 1}: no string '${column}'`);
    return [{ input: `${source}:${i + 1}`, text }];
  });
}

/**
 * The texts in files (UTF-8 or UTF-16 with BOM, any line ends) and standard input (`-`), per line or per
 * document, or one column of CSV / JSONL files. A source that cannot be read fails alone.
 */
export async function readTexts(sources: readonly string[], options: ReadTextsOptions): Promise<Array<{ ok: true; value: TextItem[] } | { ok: false; source: string; error: DlError }>> {
  const out: Array<{ ok: true; value: TextItem[] } | { ok: false; source: string; error: DlError }> = [];
  for (const source of sources) {
    try {
      const content = decodeText(await readInput(source, options.maxBytes ? { maxBytes: options.maxBytes } : {}), source === STDIN ? 'standard input' : source);
      if (options.column !== undefined && source !== STDIN && isTable(source)) {
        out.push({ ok: true, value: fromTable(source, content, options.column) });
      } else if (options.mode === 'document') {
        out.push({ ok: true, value: content.trim() === '' ? [] : [{ input: source, text: content }] });
      } else {
        out.push({
          ok: true,
          value: content.split('\n').flatMap((text, i) => (text.trim() === '' ? [] : [{ input: `${source}:${i + 1}`, text }])),
        });
      }
    } catch (error) {
      out.push({ ok: false, source, error: error instanceof DlError ? error : new DlError('INPUT_UNREADABLE', `${source}: ${errorMessage(error)}`, { cause: error }) });
    }
  }
  return out;
}
