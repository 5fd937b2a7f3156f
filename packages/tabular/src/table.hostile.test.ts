import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDlError } from '@dlkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNumeric } from './preprocess.js';
import { MAX_TABLE_COLUMNS, readTableFile } from './table.js';

// Hostile tables as `dl tabular train|predict` and `dl evaluate` read them (tiny generated fixtures: the reader's
// boundary, not a model, is under test; the label checks on real tables are in train.test.ts).
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-table-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, data: string | Buffer) => (writeFileSync(join(dir, name), data), join(dir, name));
const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i},${i % 3},${i % 2 ? 'p' : 'q'}`).join('\n');
/** The typed failure of reading `path` as `CODE: message`, or `read` with the table. */
async function outcome(path: string) {
  const started = performance.now();
  const result = await readTableFile(path).then(
    (table) => ({ said: 'read', table }),
    (error: unknown) => ({ said: isDlError(error) ? `${error.code}: ${error.message}` : `plain ${String(error)}`, table: undefined }),
  );
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

describe('hostile table files: a typed error on one line, in seconds and bounded memory', () => {
  it('a FIFO, a directory, /dev/zero and a link to it are refused at once (never waited on, never read to the end)', async () => {
    const fifo = join(dir, 'pipe.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    mkdirSync(join(dir, 'folder.csv'));
    symlinkSync('/dev/zero', join(dir, 'zero.csv'));
    for (const [path, said] of [
      [fifo, /^INPUT_UNSUPPORTED: .*is a FIFO/],
      [join(dir, 'folder.csv'), /^INPUT_UNREADABLE: .*is a directory/],
      ['/dev/zero', /^INPUT_UNSUPPORTED: .*character device/],
      [join(dir, 'zero.csv'), /^INPUT_UNSUPPORTED: .*character device/],
    ] as const) {
      const r = await outcome(path);
      expect(r.said, path).toMatch(said);
      expect(r.seconds, path).toBeLessThan(5);
    }
  });

  it('a 50 MB header line is INPUT_TOO_LARGE at its 4097th column, not cut into millions of strings', async () => {
    // 'c0000000,' over and over: duplicate names, but the count is said first, at the comma past the cap.
    const header = Buffer.alloc(50 * 2 ** 20, 'c0000000,');
    const r = await outcome(write('header-50mb.csv', Buffer.concat([header, Buffer.from('x\n1,2\n')])));
    expect(r.said).toMatch(new RegExp(`^INPUT_TOO_LARGE: .*header-50mb\\.csv:1: a record of more than the ${MAX_TABLE_COLUMNS} fields allowed$`));
    expect(r.seconds).toBeLessThan(10);
  });

  it('100,000 columns are refused when the header is read; 4,096 are read (the duplicate check is linear, not quadratic)', async () => {
    const wide = (n: number) => `${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: n }, (_, i) => i % 7).join(',')}\n`;
    expect((await outcome(write('cols-100k.csv', wide(100_000)))).said).toMatch(/^INPUT_TOO_LARGE: .*cols-100k\.csv:1: a record of more than/);
    const atCap = await outcome(write('cols-4096.csv', wide(MAX_TABLE_COLUMNS)));
    expect(atCap.table?.columns).toHaveLength(MAX_TABLE_COLUMNS);
    const twice = `${Array.from({ length: MAX_TABLE_COLUMNS - 1 }, (_, i) => `c${i}`).join(',')},c${MAX_TABLE_COLUMNS - 2}\n`;
    expect((await outcome(write('cols-twice.csv', `${twice}${'1,'.repeat(MAX_TABLE_COLUMNS - 1)}1\n`))).said).toBe(`DATASET_INVALID: ${join(dir, 'cols-twice.csv')}: the header names column 'c${MAX_TABLE_COLUMNS - 2}' twice`);
    const keys = Object.fromEntries(Array.from({ length: MAX_TABLE_COLUMNS + 1 }, (_, i) => [`k${i}`, i]));
    expect((await outcome(write('keys.jsonl', `${JSON.stringify(keys)}\n`))).said).toMatch(/^INPUT_TOO_LARGE: .*keys\.jsonl:1: 4097 keys, more than the 4096 columns/);
  });

  it('a 10 MB field is read, and a message that quotes it quotes 80 characters and its length, not 10 MB', async () => {
    const field = 'x'.repeat(10 * 2 ** 20);
    const r = await outcome(write('field-10mb.csv', `a,b,y\n"${field}",1,p\n${rows(30)}\n`));
    expect(r.table?.rows[0]![0]).toHaveLength(field.length);
    const values = r.table!.rows.map((row) => row[0]!);
    const refused = (() => {
      try {
        assertNumeric('a', values, r.table!.lines, 'field-10mb.csv');
      } catch (error) {
        return isDlError(error) ? error.message : String(error);
      }
    })();
    expect(refused).toBe(`field-10mb.csv:2: column 'a' holds numbers, but this row has "${'x'.repeat(80)}... (10485760 characters)"; fix it, or leave it empty (missing)`);
  });

  it('NUL bytes, CRLF line ends and a BOM are read as data; ragged rows are DATASET_INVALID naming the line', async () => {
    const nul = await outcome(write('nul.csv', `a,b,y\n1\u0000,2,p\n3,4,q\n`));
    expect(nul.table?.rows).toEqual([['1\u0000', '2', 'p'], ['3', '4', 'q']]);
    const crlf = await outcome(write('crlf.csv', `a,b,y\r\n1,2,p\r\n3,4,q\r\n`));
    expect(crlf.table?.rows).toEqual([['1', '2', 'p'], ['3', '4', 'q']]);
    const bom = await outcome(write('bom.csv', `\uFEFF"a",b,y\n1,2,p\n`));
    expect(bom.table?.columns).toEqual(['a', 'b', 'y']);
    expect((await outcome(write('ragged.csv', `a,b,y\n1,2,p\n3,q\n`))).said).toBe(`DATASET_INVALID: ${join(dir, 'ragged.csv')}:3: 2 fields, the header has 3`);
  });
});
