import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { isDlError } from '@dlkit/core';
import { pipeline } from '../pipeline.js';

// A tiny hand-set ONNX model in transformers.js's folder layout (scripts/make-hub-fixtures.py): it calls bright
// pictures 'light' and dark ones 'dark', and exists only to test the wiring through transformers.js.
const TINY = fileURLToPath(new URL('./fixtures/tiny-vit', import.meta.url));
const solid = (colour: string) => sharp({ create: { width: 50, height: 40, channels: 3, background: colour } }).png().toBuffer();

/** A copy of the fixture whose processor makes 16x16 inputs for a model that takes 32x32: it loads, then fails to run. */
async function mismatchedCopy(): Promise<{ dir: string; done: () => Promise<void> }> {
  const scratch = await mkdtemp(join(tmpdir(), 'dlkit-hub-'));
  const dir = join(scratch, 'tiny-vit-16');
  await cp(TINY, dir, { recursive: true });
  const file = join(dir, 'preprocessor_config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...config, size: { height: 16, width: 16 } }));
  return { dir, done: () => rm(scratch, { recursive: true, force: true }) };
}

describe('transformers.js models (tiny hand-set fixture, wiring only)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('loads a folder in transformers.js layout and returns [{label, score}] through its own pre-processing', async () => {
    const classify = await pipeline('image-classification', TINY);
    try {
      const [light, dark, broken] = await classify.each([await solid('#f0f0f0'), await solid('#101010'), Buffer.from('not an image')], { topK: 2 });
      expect(light).toMatchObject({ ok: true, value: [{ label: 'light' }, { label: 'dark' }] });
      expect(dark).toMatchObject({ ok: true, value: [{ label: 'dark' }, { label: 'light' }] });
      if (light?.ok) expect(light.value[0]!.score + light.value[1]!.score).toBeCloseTo(1);
      expect(broken?.ok === false && broken.error.code).toBe('INPUT_UNREADABLE');
    } finally {
      await classify.dispose();
    }
  });

  it("a hub model's own failure on a readable image is MODEL_RUNTIME naming the model, not INPUT_UNREADABLE", async () => {
    const { dir, done } = await mismatchedCopy();
    const classify = await pipeline('image-classification', dir);
    try {
      const [result] = await classify.each([await solid('#f0f0f0')]);
      expect(result?.ok === false && result.error.code).toBe('MODEL_RUNTIME');
      expect(result?.ok === false && result.error.message).toContain(dir);
    } finally {
      await classify.dispose();
      await done();
    }
  });

  it('refuses the load options transformers.js cannot honour (threads, batchSize) by name', async () => {
    for (const option of ['threads', 'batchSize']) {
      const error = await pipeline('image-classification', TINY, { [option]: 2 }).catch((e: unknown) => e);
      expect(isDlError(error, 'INVALID_ARGUMENT') && error.parameter).toBe(option);
    }
  });

  it('a hub pipeline used after dispose() is DISPOSED, and disposing twice is harmless', async () => {
    const classify = await pipeline('image-classification', TINY);
    await classify.dispose();
    await classify.dispose();
    await expect(classify(await solid('#f0f0f0'))).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('offline, a hub id that is not cached is MODEL_OFFLINE with a pull-model hint', async () => {
    process.env.DL_OFFLINE = '1';
    const error = await pipeline('image-classification', 'Xenova/vit-base-patch16-224').catch((e: Error) => e);
    expect(isDlError(error, 'MODEL_OFFLINE')).toBe(true);
    expect(error).toMatchObject({ hint: { kind: 'pull-model', model: 'Xenova/vit-base-patch16-224', task: 'image-classification' } });
  });
});
