import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../errors.js';
import { loadLabels } from './labels.js';
import type { LoadedManifest } from './manifest.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-labels-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A checked model folder as loadLabels sees it: its labels file, with the sha256 its manifest would record. */
async function folderWith(labels: unknown): Promise<LoadedManifest> {
  const path = join(dir, 'labels.json');
  const text = JSON.stringify(labels);
  await writeFile(path, text);
  const sha256 = { 'labels.json': createHash('sha256').update(text).digest('hex') };
  return { dir, manifest: { name: 't', task: 'tabular-classification', runtime: 'tfjs-layers', files: { labels: 'labels.json' }, sha256 }, paths: { labels: path } } as unknown as LoadedManifest;
}

describe('a model folder labels file', () => {
  it('is read in order when each output has its own label', async () => {
    expect(await loadLabels(await folderWith(['benign', 'malignant']), 2)).toEqual(['benign', 'malignant']);
  });

  it('naming one label for two outputs is MODEL_INVALID, naming the label and both outputs', async () => {
    const error = await loadLabels(await folderWith(['cat', 'dog', 'cat']), 3).catch((e: unknown) => e);
    expect(isDlError(error, 'MODEL_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/"cat" \(0 and 2\)/);
  });

  it('of the wrong length for the model is MODEL_INVALID, naming both counts', async () => {
    const error = await loadLabels(await folderWith(['a', 'b']), 3).catch((e: unknown) => e);
    expect(isDlError(error, 'MODEL_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/2 labels but the model's output has 3 classes/);
  });
});
