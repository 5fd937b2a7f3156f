import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DlError, errorMessage } from '../errors.js';
import { MANIFEST_FILE } from './manifest.js';
import { cacheFolder, dlSettings } from './settings.js';
import { isHubId, type ModelReference } from './store.js';

export type Transformers = typeof import('@huggingface/transformers');

/** A model transformers.js runs: a hub id, or a folder in its layout (config.json + onnx/) without a dlkit.json. */
export type HubReference = { kind: 'hub'; id: string } | { kind: 'local'; path: string };

export function isTransformersFolder(reference: ModelReference): reference is { kind: 'local'; path: string } {
  return reference.kind === 'local' && existsSync(join(reference.path, 'config.json')) && !existsSync(join(reference.path, MANIFEST_FILE));
}

export interface HubPipelineOptions {
  /** Download progress (files and bytes), for a progress line on stderr. */
  onProgress?: (info: { file?: string; progress?: number; status: string }) => void;
  /** Weights variant, e.g. 'fp32', 'q8' (default: transformers.js's choice for Node). */
  dtype?: string;
  /** Use only the cache, as with DL_OFFLINE=1 (to check that a pulled model is complete). */
  cacheOnly?: boolean;
}

/** A transformers.js pipeline, as callers use it: call it on inputs, dispose it when done. */
export type HubPipeline = ((input: unknown, options?: Record<string, unknown>) => Promise<unknown>) & { dispose(): Promise<void> };

let transformers: Promise<Transformers> | undefined;

/** transformers.js, loaded on first use (it is large) with its cache in DL_CACHE/hub. */
export function loadTransformers(): Promise<Transformers> {
  transformers ??= import('@huggingface/transformers').then((module) => {
    module.env.cacheDir = join(dlSettings().cacheDir, 'hub');
    module.env.remoteHost = `${dlSettings().hubEndpoint}/`;
    return module;
  });
  return transformers;
}

/**
 * A transformers.js pipeline for `task` on a hub id (downloaded into DL_CACHE/hub once, then used offline) or
 * on a local folder in its layout. With DL_OFFLINE=1 a model that is not cached is `MODEL_OFFLINE`, naming the
 * command that fetches it; a failed download is `MODEL_OFFLINE` too, an unknown id `MODEL_NOT_FOUND`.
 */
export async function loadHubPipeline(task: string, reference: HubReference, options: HubPipelineOptions = {}): Promise<HubPipeline> {
  const offline = dlSettings().offline || options.cacheOnly === true;
  const local = reference.kind === 'local';
  const name = local ? reference.path : reference.id;
  // transformers.js joins the id into its cache path: only a real org/name may get there.
  if (!local && !isHubId(name)) throw new DlError('INVALID_ARGUMENT', `'${name}' is not a hub id (org/name)`);
  if (!local && !offline) await cacheFolder('hub');
  const t = await loadTransformers();
  // transformers.js reads these globals when a pipeline is created: set them for this one.
  t.env.allowRemoteModels = !offline && !local;
  // Offline, a hub id is read from the cache as a local folder: the cache has the same <org>/<name>/<file> layout.
  t.env.allowLocalModels = local || offline;
  t.env.localModelPath = local ? `${dirname(reference.path)}/` : `${t.env.cacheDir}/`;
  try {
    return (await t.pipeline(task as Parameters<Transformers['pipeline']>[0], local ? basename(reference.path) : reference.id, {
      device: 'cpu',
      ...(options.dtype ? { dtype: options.dtype as 'fp32' } : {}),
      ...(options.onProgress ? { progress_callback: options.onProgress as never } : {}),
    })) as unknown as HubPipeline;
  } catch (error) {
    const message = errorMessage(error);
    if (local) throw new DlError('MODEL_INVALID', `${name} is not a usable transformers.js ${task} model: ${message}`, { cause: error });
    if (offline || /local_files_only|allowRemoteModels/.test(message)) {
      throw new DlError('MODEL_OFFLINE', `Hub model ${name} is not in the cache (${t.env.cacheDir}) and DL_OFFLINE=1: run \`dl models pull ${name} --task ${task}\` where there is a network`, { cause: error });
    }
    if (/\b(401|404)\b|not found|Could not locate/i.test(message)) {
      throw new DlError('MODEL_NOT_FOUND', `Hub model ${name} was not found for ${task}: ${message}`, { cause: error });
    }
    throw new DlError('MODEL_OFFLINE', `Hub model ${name} could not be downloaded (${message}): check the network, or run \`dl models pull ${name} --task ${task}\` where there is one`, { cause: error });
  }
}
