import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlError } from '../errors.js';
import { loadManifest, MAX_MODEL_FILE_BYTES, readModelFile } from './manifest.js';

// Model folders are untrusted: what a manifest names must be a regular file whose real path is inside the
// folder's real path, of bounded size, and the bytes a loader gets must be the bytes whose sha256 was checked.
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
let root: string;
let outside: string;

const manifest = (files: Record<string, string>, hashes: Record<string, string>) => ({
  name: 'tiny',
  task: 'image-classification',
  runtime: 'onnx',
  files,
  sha256: hashes,
  source: 'made by this test',
  license: 'CC0-1.0',
});

/** A folder whose manifest names `weights.bin` (content `weights`) plus whatever `setup` puts in it. */
async function folder(name: string, setup: (dir: string) => Promise<void>, file = 'weights.bin'): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await setup(dir);
  await writeFile(join(dir, 'dlkit.json'), JSON.stringify(manifest({ model: file }, { [file]: sha('weights') })));
  return dir;
}

async function refusal(promise: Promise<unknown>): Promise<DlError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DlError);
  return error as DlError;
}

describe('model folders: files stay inside the folder, are regular and bounded', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlkit-manifest-'));
    outside = join(root, 'outside');
    await mkdir(join(outside, 'sub'), { recursive: true });
    await writeFile(join(outside, 'weights.bin'), 'weights');
    await writeFile(join(outside, 'sub', 'weights.bin'), 'weights');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('accepts a symlink that stays inside the folder and gives the real path', async () => {
    const dir = await folder('inner-link', async (d) => {
      await writeFile(join(d, 'real.bin'), 'weights');
      await symlink('real.bin', join(d, 'weights.bin'));
    });
    const loaded = await loadManifest(dir);
    expect(loaded.paths.model).toBe(join(dir, 'real.bin'));
    expect((await readModelFile(loaded, 'model')).toString()).toBe('weights');
  });

  it('refuses a weights file that is a symlink to a file outside the folder, even with the right sha256', async () => {
    const dir = await folder('file-link-out', (d) => symlink(join(outside, 'weights.bin'), join(d, 'weights.bin')));
    const error = await refusal(loadManifest(dir));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/weights\.bin.*outside the model folder/);
  });

  it('refuses a file reached through a symlinked sub-folder that points outside', async () => {
    const dir = await folder('dir-link-out', (d) => symlink(join(outside, 'sub'), join(d, 'sub')), 'sub/weights.bin');
    const error = await refusal(loadManifest(dir));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/sub\/weights\.bin.*outside the model folder/);
  });

  it('refuses weights that are a FIFO at once instead of waiting for a writer', async () => {
    const dir = await folder('fifo', async (d) => void execFileSync('mkfifo', [join(d, 'weights.bin')]));
    const started = Date.now();
    const error = await refusal(loadManifest(dir));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/weights\.bin.*not a regular file/);
    expect(Date.now() - started).toBeLessThan(2_000);
  }, 10_000);

  it('refuses weights that are a symlink to /dev/zero instead of reading for ever', async () => {
    const dir = await folder('dev-zero', (d) => symlink('/dev/zero', join(d, 'weights.bin')));
    const error = await refusal(loadManifest(dir));
    expect(error.code).toBe('MODEL_INVALID');
  }, 10_000);

  it('refuses a dlkit.json that is a FIFO or /dev/zero', async () => {
    for (const [name, make] of [
      ['manifest-fifo', (p: string) => void execFileSync('mkfifo', [p])],
      ['manifest-zero', (p: string) => symlink('/dev/zero', p)],
    ] as const) {
      const dir = join(root, name);
      await mkdir(dir);
      await make(join(dir, 'dlkit.json'));
      expect((await refusal(loadManifest(dir))).code, name).toBe('MODEL_INVALID');
    }
  }, 10_000);

  it('refuses a file over the size bound before reading it, naming the bound', async () => {
    const dir = await folder('huge', async (d) => {
      const handle = await open(join(d, 'weights.bin'), 'w');
      await handle.truncate(MAX_MODEL_FILE_BYTES + 1); // sparse: no disk, no memory
      await handle.close();
    });
    const error = await refusal(loadManifest(dir));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain(`${MAX_MODEL_FILE_BYTES} bytes`);
  });

  it('readModelFile gives the checked bytes, and refuses a file changed after the check', async () => {
    const dir = await folder('swapped', (d) => writeFile(join(d, 'weights.bin'), 'weights'));
    const loaded = await loadManifest(dir);
    expect((await readModelFile(loaded, 'model')).toString()).toBe('weights');
    await writeFile(join(dir, 'weights.bin'), 'WEIGHTS');
    const error = await refusal(readModelFile(loaded, 'model'));
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toMatch(/weights\.bin.*sha256/);
    await rm(join(dir, 'weights.bin'));
    await symlink('/dev/zero', join(dir, 'weights.bin'));
    expect((await refusal(readModelFile(loaded, 'model'))).code).toBe('MODEL_INVALID');
  });
});
