import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../errors.js';
import { parseCsv, readCsv, type CsvRecord } from './csv.js';
import { readInputStream } from './inputs.js';
import { readLines } from './lines.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-csv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The bytes one at a time: every state of the parsers meets a chunk boundary. */
async function* byteByByte(text: string): AsyncGenerator<Uint8Array> {
  for (const byte of Buffer.from(text)) yield Uint8Array.of(byte);
}
async function records(chunks: AsyncIterable<Uint8Array>, maxFieldBytes?: number): Promise<{ rows: CsvRecord[]; error?: Error }> {
  const rows: CsvRecord[] = [];
  try {
    for await (const r of readCsv(chunks, { name: 'in.csv', ...(maxFieldBytes ? { maxFieldBytes } : {}) })) rows.push(r);
    return { rows };
  } catch (error) {
    return { rows, error: error as Error };
  }
}

describe('reading CSV as a stream', () => {
  it('parses quotes, doubled quotes, newlines in quotes and CRLF across chunk boundaries, as parseCsv does', async () => {
    const text = 'a,"b, c","say ""hi"""\r\n\r\n1,"two\nlines",\r\nlast';
    const { rows, error } = await records(byteByByte(text));
    expect(error).toBeUndefined();
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b, c', 'say "hi"'] },
      { line: 3, fields: ['1', 'two\nlines', ''] },
      { line: 5, fields: ['last'] },
    ]);
    expect(parseCsv(text)).toEqual(rows.map((r) => r.fields));
  });

  it('a quote that never closes is an error naming the line it opened on; the records before it are kept', async () => {
    const { rows, error } = await records(byteByByte('id,review\n1,fine\n2,"never closed\n3,more\n'));
    expect(rows.map((r) => r.fields[0])).toEqual(['id', '1']);
    expect(isDlError(error, 'INPUT_UNREADABLE')).toBe(true);
    expect(error!.message).toBe('in.csv:3: a quote opened here never closes; close it, or write a quote inside a field as ""');
    expect(() => parseCsv('a,"b')).toThrow(/CSV text:1: a quote opened here never closes/);
  });

  it('a 50 MB quote that never closes stops at the field cap, early and in bounded memory', async () => {
    const path = join(dir, 'unclosed.csv');
    await writeFile(path, Buffer.concat([Buffer.from('id,review\n1,"'), Buffer.alloc(50 * 2 ** 20, 'A line of a quote that never ends.\n'), Buffer.from('2,Dull.\n')]));
    const started = Date.now();
    const before = process.memoryUsage().rss;
    const { rows, error } = await records(readInputStream(path), 4 * 2 ** 20);
    expect(rows).toHaveLength(1);
    expect(isDlError(error, 'INPUT_TOO_LARGE')).toBe(true);
    expect(error!.message).toBe(`in.csv:2: a field over the 4194304-byte limit (inside a quote opened at line 2: is it closed?)`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
  });
});

describe('reading lines as a stream', () => {
  it('splits \\n and \\r\\n across chunks; a line over the cap fails alone, and the next lines are read', async () => {
    const lines = [];
    for await (const line of readLines(byteByByte(`one\r\n${'x'.repeat(100)}\ntwo\n\nthree`), { name: 'in.txt', maxLineBytes: 10 })) {
      lines.push('error' in line ? `${line.line}: ${line.error.code} ${line.error.message}` : `${line.line}: ${line.bytes.toString()}`);
    }
    expect(lines).toEqual(['1: one', '2: INPUT_TOO_LARGE in.txt:2: a line over the 10-byte limit; split it, or raise the limit', '3: two', '4: ', '5: three']);
  });
});
