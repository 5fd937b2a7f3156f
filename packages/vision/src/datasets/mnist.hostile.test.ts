import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isDlError } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDigitsJson, fromMnistIdx } from './mnist.js';

// What `dl train digits|fashion --data DIR` reads from a folder it was given: a planted FIFO or device among the
// files, or a gzip bomb, must be refused (DATASET_INVALID) at once, not block the run or fill memory.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dlkit-mnist-hostile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const said = (promise: Promise<unknown>) => promise.then(() => 'read', (error: unknown) => (isDlError(error) ? `${error.code}: ${error.message}` : `plain ${String(error)}`));

const fashion = testDataset('fashion-mnist');
describe.skipIf(!fashion)('IDX and JSON digit files planted in a --data folder (the real Fashion-MNIST labels beside them)', () => {
  it('a FIFO or a link to /dev/zero named as the images file is DATASET_INVALID in well under a second', async () => {
    const labels = join(dir, 'train-labels-idx1-ubyte.gz');
    copyFileSync(join(fashion!, 'train-labels-idx1-ubyte.gz'), labels);
    const fifo = join(dir, 'fifo-images');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    symlinkSync('/dev/zero', join(dir, 'zero-images'));
    for (const [images, what] of [[fifo, /is a FIFO/], [join(dir, 'zero-images'), /character device/]] as const) {
      const started = performance.now();
      expect(await said(fromMnistIdx(images, labels))).toMatch(new RegExp(`^DATASET_INVALID: .*${what.source}`));
      expect(performance.now() - started).toBeLessThan(3000);
    }
  });

  it('a gzip bomb (260 KB that unpacks past 256 MiB) is refused at the bound', async () => {
    const bomb = join(dir, 'bomb-images.gz');
    // 257 gzip members of 1 MiB of zeros each (gunzip reads them as one stream): ~260 KB on disk, written in ms.
    writeFileSync(bomb, Buffer.concat(Array(257).fill(gzipSync(Buffer.alloc(2 ** 20)))));
    expect(await said(fromMnistIdx(bomb, join(dir, 'train-labels-idx1-ubyte.gz')))).toMatch(/^DATASET_INVALID: .*bomb-images\.gz is not valid gzip, or unpacks to more than 268435456 bytes/);
  });
});

describe('JSON digits folders', () => {
  it('a FIFO as 0.json is DATASET_INVALID at once (tiny fixture folder)', async () => {
    const digits = join(dir, 'digits');
    mkdirSync(digits);
    expect(spawnSync('mkfifo', [join(digits, '0.json')]).status).toBe(0);
    expect(await said(fromDigitsJson(digits))).toMatch(/^DATASET_INVALID: .*0\.json: is a FIFO/);
  });
});
