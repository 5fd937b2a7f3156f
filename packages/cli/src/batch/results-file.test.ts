import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDlError } from '@dlkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProgress } from './progress.js';
import { failedError, jobId } from './queue.js';
import { openResults, readExistingResults } from './results-file.js';

const dir = mkdtempSync(join(tmpdir(), 'dlkit-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (input: string, error = false) => JSON.stringify(error ? { input, error: { code: 'INPUT_UNREADABLE', message: 'x' } } : { input, output: [1] });

describe('results file of dl batch', () => {
  it('a last line cut short by a kill is cut off the file, and its input is not done', async () => {
    const file = join(dir, 'torn.jsonl');
    writeFileSync(file, `${line('a')}\n${line('b', true)}\n{"input":"c","outp`);
    const existing = await readExistingResults(file);
    expect([...existing.done]).toEqual(['a', 'b']);
    expect(existing.errors).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(`${line('a')}\n${line('b', true)}\n`);
    // Appending goes on from a whole line.
    const results = await openResults(file);
    await results.append([{ input: 'c', output: 'ok' }]);
    await results.close();
    expect((await readExistingResults(file)).done).toEqual(new Set(['a', 'b', 'c']));
  });

  it('--retry-errors takes the error lines out of the file (and leaves no temporary file)', async () => {
    const sub = mkdtempSync(join(dir, 'retry-'));
    const file = join(sub, 'r.jsonl');
    writeFileSync(file, `${line('a')}\n${line('b', true)}\n${line('c')}\n`);
    const existing = await readExistingResults(file, { dropErrors: true });
    expect([...existing.done]).toEqual(['a', 'c']);
    expect(readFileSync(file, 'utf8')).toBe(`${line('a')}\n${line('c')}\n`);
    expect(readdirSync(sub)).toEqual(['r.jsonl']);
  });

  it('a file that is not dl batch results is refused with its line number, untouched', async () => {
    const file = join(dir, 'other.jsonl');
    const content = `${line('a')}\nnot json\n`;
    writeFileSync(file, content);
    const error = await readExistingResults(file, { dropErrors: true }).catch((e: unknown) => e);
    expect(isDlError(error, 'INPUT_UNREADABLE') && (error as Error).message).toContain('other.jsonl:2');
    expect(readFileSync(file, 'utf8')).toBe(content);
    writeFileSync(file, '{"name":"x"}\n');
    await expect(readExistingResults(file)).rejects.toThrow(/without "input"/);
  });
});

describe('queue job ids and failures', () => {
  it('a job id depends on task, options and input only, and never reads as an integer', () => {
    const a = jobId({ task: 'image-classification', options: { topK: 5 }, input: '/data/a.jpg' });
    expect(a).toBe(jobId({ task: 'image-classification', options: { topK: 5 }, input: '/data/a.jpg' }));
    expect(a).not.toBe(jobId({ task: 'image-classification', options: { topK: 1 }, input: '/data/a.jpg' }));
    expect(a).not.toBe(jobId({ task: 'object-detection', options: { topK: 5 }, input: '/data/a.jpg' }));
    expect(a).toMatch(/^image-classification-[0-9a-f]{40}$/);
  });

  it("a failed job's reason reads back as code and message", () => {
    expect(failedError('INPUT_NOT_FOUND: /x.jpg: no such file')).toEqual({ code: 'INPUT_NOT_FOUND', message: '/x.jpg: no such file' });
    expect(failedError('job stalled more than allowable limit')).toEqual({ code: 'INTERNAL', message: 'job stalled more than allowable limit' });
  });
});

describe('batch progress line', () => {
  it('shows count, percent, rate, ETA and errors, and fits the terminal', () => {
    const text = formatProgress({ total: 400, done: 100, errors: 2 }, 10, 80);
    expect(text).toMatch(/^\[=+> +\] 100\/400 25\.0% {2}10\.0\/s {2}ETA 00:30 {2}2 errors$/);
    expect(text.length).toBeLessThan(80);
    expect(formatProgress({ total: 0, done: 0, errors: 0 }, 0)).toContain('0/0 100.0%');
  });
});
