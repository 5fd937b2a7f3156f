import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { LayersModel } from '../runtime-types.js';
import { selectTfjsBackend, tfjsPackage } from '../backend/tfjs.js';
import { DlError, errorMessage } from '../errors.js';
import { syncDirectory, writeFileAtomic } from '../io/atomic-write.js';
import { alive } from '../io/process-alive.js';
import { loadManifest, MANIFEST_FILE, type LoadedManifest, type ModelManifest } from './manifest.js';
import { hashModelFile } from './model-file.js';
import { readTfjsArtifacts } from './tfjs-artifacts.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';
const LABELS_JSON = 'labels.json';

export interface SaveModelOptions {
  name: string;
  task: string;
  labels: readonly string[];
  /** The task's input spec (read by the task package's pre-processing). */
  input: Record<string, unknown>;
  source: string;
  license: string;
  metrics?: Record<string, unknown>;
  /** How it was trained: data, seed, epochs, command. */
  training?: Record<string, unknown>;
  /** More files for the folder (e.g. a licence), by name; each gets a role of its base name and a sha256. */
  extraFiles?: Record<string, string>;
}

/**
 * Saves a tfjs layers model as a dlkit model folder: `model.json` + `weights.bin` in the tfjs format (so
 * `tf.loadLayersModel` reads them too), `labels.json` and a `dlkit.json` with sha256 of each. The folder is
 * built beside the target, flushed to disk, and swapped in by rename: a crash or full disk never leaves a
 * half-written model. A failure is OUTPUT_UNWRITABLE, with the model that was in `dir` (if any) as it was.
 */
export async function saveLayersModel(model: LayersModel, dir: string, options: SaveModelOptions): Promise<LoadedManifest> {
  const { tf } = await selectTfjsBackend();
  const target = resolve(dir);
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const old = `${target}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await mkdir(tmp);
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
        await writeFileAtomic(join(tmp, WEIGHTS_BIN), weights);
        const modelJson = {
          format: 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs }],
        };
        await writeFileAtomic(join(tmp, MODEL_JSON), JSON.stringify(modelJson));
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    await writeFileAtomic(join(tmp, LABELS_JSON), JSON.stringify(options.labels));
    const files: Record<string, string> = { model: MODEL_JSON, weights: WEIGHTS_BIN, labels: LABELS_JSON };
    for (const [name, content] of Object.entries(options.extraFiles ?? {})) {
      if (!/^[\w-]+\.(md|txt|json)$/.test(name) || Object.values(files).includes(name)) {
        throw new DlError('INVALID_ARGUMENT', `Extra model file name '${name}' is not allowed`);
      }
      await writeFileAtomic(join(tmp, name), content);
      files[name.replace(/\.\w+$/, '').toLowerCase()] = name;
    }
    const sha256: Record<string, string> = {};
    for (const file of Object.values(files)) sha256[file] = await hashModelFile(join(tmp, file), join(target, file));
    const manifest: ModelManifest = {
      name: options.name,
      task: options.task,
      runtime: 'tfjs-layers',
      files,
      sha256,
      input: options.input,
      source: options.source,
      license: options.license,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.training ? { training: options.training } : {}),
    };
    await writeFileAtomic(join(tmp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await syncDirectory(tmp);
    const existed = await rename(target, old).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    try {
      await rename(tmp, target);
    } catch (error) {
      if (existed) await rename(old, target);
      throw error;
    }
    await syncDirectory(dirname(target));
    // The new model is in place: a previous one that cannot be removed now is removed by the next claim of the folder.
    if (existed) await rm(old, { recursive: true, force: true }).catch(() => undefined);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    if (error instanceof DlError) throw error;
    // A full disk, a file in the way, no permission: nothing of the new model is left, the previous one is as it was.
    const kept = (await exists(join(target, MANIFEST_FILE))) ? '; the model already there is unchanged' : '';
    throw new DlError('OUTPUT_UNWRITABLE', `Could not save the model to ${target}: ${errorMessage(error)}${kept}`, { cause: error });
  }
  return loadManifest(target);
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** What a save leaves beside `<name>` while it runs: `.tmp-<pid>-<hex>` (being built), `.old-<pid>-<hex>` (being replaced). */
const SWAP_SIBLING = /^\.(tmp|old)-(\d+)-[0-9a-f]+$/;

/**
 * Mends what a save killed mid-way (SIGKILL, power loss) left beside model folder `dir`: the previous model, moved
 * aside between the save's two renames, is put back when `dir` is missing; otherwise it and half-built folders are
 * removed. What a live process (this one included) is writing is left alone.
 */
export async function recoverModelSave(dir: string): Promise<void> {
  const target = resolve(dir);
  const name = basename(target);
  for (const sibling of await readdir(dirname(target)).catch(() => [] as string[])) {
    const match = sibling.startsWith(name) ? SWAP_SIBLING.exec(sibling.slice(name.length)) : null;
    const pid = Number(match?.[2]);
    if (!match || pid === process.pid || alive(pid)) continue;
    const path = join(dirname(target), sibling);
    if (match[1] === 'old' && !(await exists(target))) await rename(path, target);
    else await rm(path, { recursive: true, force: true });
  }
}

/** Loads the tfjs layers model of a checked model folder (see `loadLocalModel`). */
export async function loadLayersModel(loaded: LoadedManifest): Promise<LayersModel> {
  const { tf } = await selectTfjsBackend();
  const tfl = tfjsPackage('@tensorflow/tfjs-layers');
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(await readTfjsArtifacts(loaded, 'tfjs-layers')));
  } catch (error) {
    if (error instanceof DlError) throw error;
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} (${loaded.dir}) cannot be loaded: ${errorMessage(error)}`, { cause: error });
  }
}
