import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DlError, errorMessage } from '../errors.js';
import { importOptional } from '../optional-dependency.js';
import type { Transformers } from '../runtime-types.js';
import { HUB_DTYPES, type HubDtype } from './hub-dtypes.js';
import { MANIFEST_FILE } from './manifest.js';
import { cacheFolder, dlSettings } from './settings.js';
import { hubCacheParts, isHubId, isHubRevision, type ModelReference } from './store.js';

export type { Transformers };

/** A model transformers.js runs: a hub id, or a folder in its layout (config.json + onnx/) without a dlkit.json. */
export type HubReference = { kind: 'hub'; id: string } | { kind: 'local'; path: string };

export function isTransformersFolder(reference: ModelReference): reference is { kind: 'local'; path: string } {
  return reference.kind === 'local' && existsSync(join(reference.path, 'config.json')) && !existsSync(join(reference.path, MANIFEST_FILE));
}

export { HUB_DTYPES, type HubDtype } from './hub-dtypes.js';

/**
 * The devices transformers.js 4 runs a pipeline on under Node: onnxruntime-node's execution providers for this
 * platform (its `supportedDevices`), plus its `auto` (the best of those) and `gpu` (any GPU one). Others it knows
 * (wasm, webnn) exist only in a browser and fail at load in Node.
 */
export function hubDevices(platform: NodeJS.Platform = process.platform, arch: string = process.arch): readonly string[] {
  const native = platform === 'win32' ? ['dml'] : platform === 'darwin' ? ['coreml'] : platform === 'linux' && arch === 'x64' ? ['cuda'] : [];
  return ['cpu', 'webgpu', ...native, 'auto', 'gpu'];
}

export interface HubPipelineOptions {
  /** Download progress (files and bytes), for a progress line on stderr. */
  onProgress?: (info: { file?: string; progress?: number; status: string }) => void;
  /** Weights variant (one of HUB_DTYPES; default: the model's own choice, else fp32 on the CPU). */
  dtype?: string;
  /** Where it runs (one of `hubDevices()`; default 'cpu'). */
  device?: string;
  /** onnxruntime intra-op threads of each of its sessions (default: onnxruntime's own choice). */
  threads?: number;
  /** A branch, tag or commit of the hub repository (default 'main'); cached apart from main's files. */
  revision?: string;
  /** Use only the cache, as with DL_OFFLINE=1 (to check that a pulled model is complete). */
  cacheOnly?: boolean;
}

/** A transformers.js pipeline, as callers use it: call it on inputs, dispose it when done. */
export type HubPipeline = ((input: unknown, options?: Record<string, unknown>) => Promise<unknown>) & { dispose(): Promise<void> };

/**
 * Where a loaded hub pipeline runs, as transformers.js recorded it on its ONNX sessions (`cpu`, `cuda`, `webgpu`;
 * `auto` or `gpu` when asked for that, as onnxruntime does not say which provider it then took); sessions on
 * different devices are listed with '+'. `fallback` when the pipeline has no sessions to read (not a model's).
 */
export function hubPipelineDevice(pipeline: HubPipeline, fallback = 'cpu'): string {
  const sessions = (pipeline as { model?: { sessions?: Record<string, { config?: { device?: unknown } } | undefined> } }).model?.sessions ?? {};
  const devices = [...new Set(Object.values(sessions).map((session) => session?.config?.device))].filter((d): d is string => typeof d === 'string' && d !== '');
  return devices.length > 0 ? devices.join('+') : fallback;
}

/** The load options only a transformers.js model takes: any other model (embedded, trained here, TextRank) refuses them. */
export interface HubLoadOptions {
  dtype?: string | undefined;
  device?: string | undefined;
}

/**
 * For a model that is not transformers.js's (embedded, a folder with a dlkit.json, TextRank), which runs on the CPU
 * with the weights it has:
 * INVALID_ARGUMENT naming `dtype` when one is given, and naming `device` for any device but 'cpu'. Refused rather
 * than ignored, before the model is loaded.
 */
export function refuseHubOnlyOptions(options: HubLoadOptions, model: string): void {
  if (options.dtype !== undefined) {
    throw new DlError('INVALID_ARGUMENT', `dtype chooses a transformers.js model's weights variant; ${model} has no variants to choose from`, { parameter: 'dtype' });
  }
  if (options.device !== undefined && options.device !== 'cpu') {
    throw new DlError('INVALID_ARGUMENT', `device '${options.device}' is not one ${model} runs on: it runs on the CPU only (device 'cpu')`, { parameter: 'device' });
  }
}

let transformers: Promise<Transformers> | undefined;

/**
 * transformers.js, loaded on first use (it is large). Two of its globals are set here, once, when it is first
 * imported, because its `pipeline()` does not take them per call: `remoteHost` (the hub or DL_HUB_ENDPOINT's
 * mirror; no per-call option exists) and `cacheDir`: transformers.js 4.3's `pipeline()` first lists the files
 * a model needs (`get_pipeline_files`), and that step reads config.json and probes tokenizer/processor configs
 * without the per-call `cache_dir` or `local_files_only`, through `env.cacheDir`. Pointing it at DL_CACHE/hub
 * keeps that step on our cache instead of a `.cache` inside node_modules. Every load passes `cache_dir` and
 * `local_files_only` itself and never touches `env` again. It is an optional peer of @dlkit/core: when it is not
 * installed, DEPENDENCY_MISSING names the install command.
 */
export function loadTransformers(): Promise<Transformers> {
  transformers ??= importOptional('@huggingface/transformers', () => import('@huggingface/transformers')).then((module) => {
    module.env.cacheDir = join(dlSettings().cacheDir, 'hub');
    module.env.remoteHost = `${dlSettings().hubEndpoint}/`;
    return module;
  });
  return transformers;
}

/** The option as transformers.js takes it, or INVALID_ARGUMENT naming it (before anything is loaded). */
function checkedChoice(name: 'dtype' | 'device', value: string | undefined, allowed: readonly string[]): string | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  throw new DlError('INVALID_ARGUMENT', `${name} '${value}' is not one transformers.js takes here: ${allowed.join(', ')}`, { parameter: name });
}

/** MODEL_OFFLINE for a hub model the cache cannot give whole (`detail`: what transformers.js missed, if it got that far). */
function notCached(id: string, task: string, folder: string, detail?: string, cause?: unknown): DlError {
  const networkOff = dlSettings().offline ? ', and DL_OFFLINE=1 keeps the network off' : '';
  const what = detail === undefined ? `is not in the cache (${folder})${networkOff}` : `is not complete in the cache (${folder})${networkOff}: ${detail}`;
  return new DlError('MODEL_OFFLINE', `Hub model ${id} ${what}`, { cause, hint: { kind: 'pull-model', model: id, task } });
}

/** What a failed load means, as one DlError: the device is not there, the folder is not a model, the model is not cached, not found, or not downloadable. */
function loadError(error: unknown, task: string, reference: HubReference, device: string, folder: string | undefined): DlError {
  const message = errorMessage(error);
  const name = reference.kind === 'local' ? reference.path : reference.id;
  if (device !== 'cpu' && /execution provider|Unsupported device|backend/i.test(message)) {
    return new DlError('BACKEND_UNAVAILABLE', `device '${device}' cannot run ${name} here: ${message}`, {
      cause: error,
      hint: { kind: 'use-option', option: 'device', value: 'cpu' },
    });
  }
  if (reference.kind === 'local') return new DlError('MODEL_INVALID', `${name} is not a usable transformers.js ${task} model: ${message}`, { cause: error });
  if (folder !== undefined) return notCached(name, task, folder, message, error);
  if (/\b(401|404)\b|not found|Could not locate/i.test(message)) {
    return new DlError('MODEL_NOT_FOUND', `Hub model ${name} was not found for ${task}: ${message}`, { cause: error });
  }
  return new DlError('MODEL_OFFLINE', `Hub model ${name} could not be downloaded (${message}): check the network`, { cause: error, hint: { kind: 'pull-model', model: name, task } });
}

/**
 * A transformers.js pipeline for `task` on a hub id (downloaded into DL_CACHE/hub once, then used offline) or
 * on a local folder in its layout, with everything per call: transformers.js's global `env` is left as it is
 * (see `loadTransformers` for the two it gets once). A local folder, and a hub id offline (DL_OFFLINE=1 or
 * `cacheOnly`), are given to transformers.js as an absolute path with `local_files_only`: a path is never a
 * valid hub id to it, so no step of the load can reach the network (this needs transformers.js's default
 * `env.allowLocalModels`, true in Node; a host that turned it off gets its error back). Offline, a model that is not cached is
 * `MODEL_OFFLINE` with a `pull-model` hint; a failed download is `MODEL_OFFLINE` too, an unknown id
 * `MODEL_NOT_FOUND`; a bad `dtype`, `device` or `revision` is INVALID_ARGUMENT naming it.
 */
export async function loadHubPipeline(task: string, reference: HubReference, options: HubPipelineOptions = {}): Promise<HubPipeline> {
  const offline = dlSettings().offline || options.cacheOnly === true;
  // transformers.js joins the id into its cache path: only a real org/name may get there.
  if (reference.kind === 'hub' && !isHubId(reference.id)) throw new DlError('INVALID_ARGUMENT', `'${reference.id}' is not a hub id (org/name)`, { parameter: 'model' });
  const dtype = checkedChoice('dtype', options.dtype, HUB_DTYPES);
  const device = checkedChoice('device', options.device, hubDevices()) ?? 'cpu';
  const revision = options.revision ?? 'main';
  if (!isHubRevision(revision)) {
    throw new DlError('INVALID_ARGUMENT', `revision '${revision}' is not a branch, tag or commit name (letters, digits, '.', '_', '-')`, { parameter: 'revision' });
  }
  const folder = reference.kind === 'local' ? reference.path : offline ? join(dlSettings().cacheDir, 'hub', ...hubCacheParts(reference.id, revision)) : undefined;
  const model = reference.kind === 'local' ? reference.path : (folder ?? reference.id);
  // Offline and nothing cached: say so without loading transformers.js (large) to find out.
  if (reference.kind === 'hub' && folder !== undefined && !existsSync(join(folder, 'config.json'))) throw notCached(reference.id, task, folder);
  // Downloads go to DL_CACHE/hub as read now (not as read when transformers.js was first imported).
  const cacheDir = folder === undefined ? { cache_dir: await cacheFolder('hub') } : {};
  const t = await loadTransformers();
  try {
    return (await t.pipeline(task as Parameters<Transformers['pipeline']>[0], model, {
      ...cacheDir,
      local_files_only: folder !== undefined,
      revision,
      device: device as 'cpu',
      ...(dtype !== undefined ? { dtype: dtype as HubDtype } : {}),
      ...(options.threads !== undefined ? { session_options: { intraOpNumThreads: options.threads } } : {}),
      // Only a download has progress to show; offline, transformers.js's progress pass would probe the hub.
      ...(options.onProgress && folder === undefined ? { progress_callback: options.onProgress as never } : {}),
    })) as unknown as HubPipeline;
  } catch (error) {
    throw loadError(error, task, reference, device, reference.kind === 'hub' ? folder : undefined);
  }
}
