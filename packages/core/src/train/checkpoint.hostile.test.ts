import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../errors.js';
import { readCheckpoint, readTrainingJob } from './checkpoint.js';

// A `dl train --resume DIR` folder is the user's to name, and anything in it may be planted (tiny fixtures).
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-checkpoint-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const said = (promise: Promise<unknown>) => promise.then(() => 'read', (error: unknown) => (isDlError(error) ? `${error.code}: ${error.message}` : `plain ${String(error)}`));
const folder = (name: string) => {
  mkdirSync(join(dir, name));
  return join(dir, name);
};
const header = (fields: Record<string, unknown>) => JSON.stringify({ format: 'dlkit-checkpoint', version: 1, tensors: 'tensors-1.bin', sha256: '0'.repeat(64), bytes: 8, data: {}, ...fields });

describe('hostile checkpoint folders: CHECKPOINT_INVALID at once, never a hang or a read to the end of a device', () => {
  it('checkpoint.json as a FIFO, a link to /dev/zero, a directory, or corrupt JSON', async () => {
    const fifo = folder('fifo');
    expect(spawnSync('mkfifo', [join(fifo, 'checkpoint.json')]).status).toBe(0);
    const zero = folder('zero');
    symlinkSync('/dev/zero', join(zero, 'checkpoint.json'));
    const nested = folder('nested');
    mkdirSync(join(nested, 'checkpoint.json'));
    const corrupt = folder('corrupt');
    writeFileSync(join(corrupt, 'checkpoint.json'), '{"format":"dlkit-checkpoint",');
    for (const [checkpoint, why] of [
      [fifo, /checkpoint\.json is unreadable \(.*is a FIFO/],
      [zero, /checkpoint\.json is unreadable \(.*character device/],
      [nested, /checkpoint\.json is unreadable \(.*is a directory/],
      [corrupt, /checkpoint\.json is unreadable \(.*JSON/],
    ] as const) {
      const started = performance.now();
      expect(await said(readTrainingJob(checkpoint))).toMatch(new RegExp(`^CHECKPOINT_INVALID: Checkpoint .* cannot be used: ${why.source}`));
      expect(performance.now() - started).toBeLessThan(3000);
    }
  });

  it('a checkpoint.json over 64 MiB is not read; a header claiming tensors of 2 GiB or more is refused before they are read', async () => {
    const huge = folder('huge');
    writeFileSync(join(huge, 'checkpoint.json'), '');
    truncateSync(join(huge, 'checkpoint.json'), 65 * 2 ** 20);
    expect(await said(readTrainingJob(huge))).toMatch(/^CHECKPOINT_INVALID: .*checkpoint\.json is unreadable \(.*more than the 67108864-byte limit/);
    const claims = folder('claims');
    writeFileSync(join(claims, 'checkpoint.json'), header({ bytes: 2 ** 31 }));
    expect(await said(readCheckpoint(claims))).toMatch(/^CHECKPOINT_INVALID: .*not a dlkit checkpoint/);
  });

  it('tensors as a FIFO, or larger than the header says (a sparse 8 GiB file), are refused without reading them whole', async () => {
    const fifo = folder('tensors-fifo');
    writeFileSync(join(fifo, 'checkpoint.json'), header({}));
    expect(spawnSync('mkfifo', [join(fifo, 'tensors-1.bin')]).status).toBe(0);
    expect(await said(readCheckpoint(fifo))).toMatch(/^CHECKPOINT_INVALID: .*tensors-1\.bin is missing or unreadable/);
    const big = folder('tensors-big');
    writeFileSync(join(big, 'checkpoint.json'), header({}));
    writeFileSync(join(big, 'tensors-1.bin'), '');
    truncateSync(join(big, 'tensors-1.bin'), 8 * 2 ** 30);
    const started = performance.now();
    expect(await said(readCheckpoint(big))).toMatch(/^CHECKPOINT_INVALID: .*tensors-1\.bin is missing or unreadable/);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
