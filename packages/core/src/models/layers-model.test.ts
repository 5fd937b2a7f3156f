import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend, type Tf } from '../backend/tfjs.js';
import { isDlError } from '../errors.js';
import { buildArchitecture } from '../train/architectures.js';
import { loadLayersModel, saveLayersModel } from './layers-model.js';
import { loadManifest } from './manifest.js';

let dir: string;
let tf: Tf;
beforeAll(async () => {
  ({ tf } = await selectTfjsBackend('wasm'));
  dir = await mkdtemp(join(tmpdir(), 'dlkit-save-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const options = { name: 'tiny', task: 'image-classification', labels: ['x', 'y', 'z'], input: { kind: 'test' }, source: 'test', license: 'MIT', metrics: { validationAccuracy: 0.5 }, training: { seed: 1 } };

describe('saving and loading trained models (tiny random-weight model)', () => {
  it('round-trips weights and predictions, with a manifest that checks every file', async () => {
    const model = await buildArchitecture('mlp', { inputShape: [4], classes: 3, hidden: [5], seed: 1 });
    const out = join(dir, 'model');
    const saved = await saveLayersModel(model, out, options);
    expect(saved.manifest).toMatchObject({ runtime: 'tfjs-layers', metrics: { validationAccuracy: 0.5 }, training: { seed: 1 } });
    expect(JSON.parse(await readFile(saved.paths.labels!, 'utf8'))).toEqual(['x', 'y', 'z']);
    const loaded = await loadLayersModel(await loadManifest(out));
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const a = model.predict(x) as import('@tensorflow/tfjs-core').Tensor;
    const b = loaded.predict(x) as import('@tensorflow/tfjs-core').Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });

  it('replaces an existing model whole, leaves no temporary folders, and refuses tampered weights', async () => {
    const out = join(dir, 'model');
    const other = await buildArchitecture('mlp', { inputShape: [4], classes: 3, hidden: [5], seed: 2 });
    await saveLayersModel(other, out, { ...options, name: 'second' });
    expect((await loadManifest(out)).manifest.name).toBe('second');
    expect((await readdir(dir)).sort()).toEqual(['model']);
    const weights = join(out, 'weights.bin');
    const bytes = await readFile(weights);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(weights, bytes);
    const error = await loadManifest(out).catch((e: Error) => e);
    expect(isDlError(error, 'MODEL_INVALID')).toBe(true);
    other.dispose();
  });

  it('a failed save leaves the existing model untouched', async () => {
    const out = join(dir, 'model2');
    const model = await buildArchitecture('mlp', { inputShape: [4], classes: 3, hidden: [5], seed: 1 });
    await saveLayersModel(model, out, options);
    const before = await readFile(join(out, 'dlkit.json'), 'utf8');
    const broken = { ...options, labels: undefined as unknown as string[] }; // JSON.stringify(undefined) -> write fails
    const error = await saveLayersModel(model, out, broken).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await readFile(join(out, 'dlkit.json'), 'utf8')).toBe(before);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp-') || n.includes('.old-'))).toEqual([]);
    model.dispose();
  });
});
