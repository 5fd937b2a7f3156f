import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDlError } from '../errors.js';
import { lockFile } from './file-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'dlkit-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lockFile', () => {
  it('holds <file>.lock with its pid until released; a second taker is refused while the holder lives', async () => {
    const file = join(dir, 'results.jsonl');
    const release = await lockFile(file);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(String(process.pid));
    const error = await lockFile(file).catch((e: unknown) => e);
    expect(isDlError(error, 'INVALID_ARGUMENT') && (error as Error).message).toMatch(new RegExp(`being written by process ${process.pid}`));
    await release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const file = join(dir, 'stale.jsonl');
    // Far above any pid this machine hands out (pid_max is at most 2^22).
    writeFileSync(`${file}.lock`, String(2 ** 30));
    const release = await lockFile(file);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(String(process.pid));
    await release();
  });
});
