import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDlError } from '../errors.js';
import { loadManifest } from './manifest.js';
import { loadLocalModel, parseModelReference, registerEmbeddedModel } from './store.js';
import { dlSettings } from './settings.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
let root: string;

async function modelFolder(name: string, files: Record<string, string>, manifest: object): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
  await writeFile(join(dir, 'dlkit.json'), JSON.stringify(manifest));
  return dir;
}

const base = (files: Record<string, string>) => ({
  name: 'tiny',
  task: 'image-classification',
  runtime: 'onnx',
  files: { model: 'model.onnx' },
  sha256: Object.fromEntries(Object.entries(files).map(([f, c]) => [f, sha(c)])),
  source: 'made by this test',
  license: 'CC0-1.0',
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(isDlError(error)).toBe(true);
    return (error as { code: string }).code;
  }
}

describe('model store (tiny hand-made model folders, wiring only)', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlkit-store-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads a folder whose files match their sha256', async () => {
    const files = { 'model.onnx': 'weights' };
    const dir = await modelFolder('ok', files, base(files));
    const loaded = await loadManifest(dir);
    expect(loaded.paths.model).toBe(join(dir, 'model.onnx'));
  });

  it('refuses a tampered weight file with MODEL_INVALID', async () => {
    const dir = await modelFolder('tampered', { 'model.onnx': 'weights, changed' }, base({ 'model.onnx': 'weights' }));
    expect(await codeOf(loadManifest(dir))).toBe('MODEL_INVALID');
  });

  it('refuses a manifest that points outside its folder', async () => {
    for (const file of ['../model.onnx', '/etc/passwd', 'a/../../b']) {
      const manifest = { ...base({}), files: { model: file }, sha256: { [file]: sha('x') } };
      const dir = await modelFolder(`outside-${sha(file).slice(0, 6)}`, {}, manifest);
      expect(await codeOf(loadManifest(dir)), file).toBe('MODEL_INVALID');
    }
  });

  it('says MODEL_NOT_FOUND for a folder without dlkit.json and MODEL_INVALID for broken JSON', async () => {
    await mkdir(join(root, 'empty'));
    expect(await codeOf(loadManifest(join(root, 'empty')))).toBe('MODEL_NOT_FOUND');
    await mkdir(join(root, 'broken'));
    await writeFile(join(root, 'broken', 'dlkit.json'), '{"name": ');
    expect(await codeOf(loadManifest(join(root, 'broken')))).toBe('MODEL_INVALID');
  });

  it('parses references: paths, hub ids, embedded names', () => {
    expect(parseModelReference(root)).toEqual({ kind: 'local', path: root });
    expect(parseModelReference('Xenova/vit-base-patch16-224')).toEqual({ kind: 'hub', id: 'Xenova/vit-base-patch16-224' });
    expect(parseModelReference('mobilenetv2')).toEqual({ kind: 'embedded', name: 'mobilenetv2' });
    // Hub ids whose parts are not names ('..', '.', dot or dash first) would be folders of DL_CACHE/hub itself.
    for (const bad of ['../nowhere', './missing-model', '/no/such/dir', '', 'a b', 'org/..', 'a/.', '-org/name', 'org/.name', 'a/b/c']) {
      expect(() => parseModelReference(bad), bad).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
    }
  });

  it('resolves embedded names through the registry and checks the task', async () => {
    const files = { 'model.onnx': 'weights' };
    const dir = await modelFolder('registered', files, base(files));
    registerEmbeddedModel({ name: 'tiny-test', task: 'image-classification', dir, package: 'test', description: 'test' });
    const loaded = await loadLocalModel({ kind: 'embedded', name: 'tiny-test' }, 'image-classification');
    expect(loaded.manifest.name).toBe('tiny');
    expect(await codeOf(loadLocalModel({ kind: 'embedded', name: 'tiny-test' }, 'text-classification'))).toBe('MODEL_INVALID');
    expect(await codeOf(loadLocalModel({ kind: 'embedded', name: 'no-such-model' }))).toBe('MODEL_NOT_FOUND');
  });

  it('honours DL_CACHE, DL_OFFLINE and the hub endpoint', () => {
    expect(dlSettings({ DL_CACHE: '/tmp/c', DL_OFFLINE: '1' })).toEqual({ cacheDir: '/tmp/c', offline: true, hubEndpoint: 'https://huggingface.co' });
    expect(dlSettings({ HF_ENDPOINT: 'https://mirror.example/' }).hubEndpoint).toBe('https://mirror.example');
    expect(dlSettings({ HF_ENDPOINT: 'https://a.example', DL_HUB_ENDPOINT: 'http://127.0.0.1:9' }).hubEndpoint).toBe('http://127.0.0.1:9');
    expect(dlSettings({}).offline).toBe(false);
    expect(dlSettings({}).cacheDir).toMatch(/\.cache[\\/]dlkit$/);
  });
});
