import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DlError } from '../errors.js';
import { loadManifest, type LoadedManifest } from './manifest.js';
import { dlSettings } from './settings.js';

/**
 * What a model reference names: a model shipped inside a dlkit package, a model folder on disk, or a Hugging
 * Face hub id (`org/name`) that transformers.js fetches and caches.
 */
export type ModelReference =
  | { kind: 'embedded'; name: string }
  | { kind: 'local'; path: string }
  | { kind: 'hub'; id: string };

export interface EmbeddedModel {
  name: string;
  task: string;
  /** The model folder, holding dlkit.json. */
  dir: string;
  /** The npm package that ships it. */
  package: string;
  description: string;
}

const REGISTRY = Symbol.for('dlkit.embeddedModels');

function registry(): Map<string, EmbeddedModel> {
  const state = globalThis as { [REGISTRY]?: Map<string, EmbeddedModel> };
  return (state[REGISTRY] ??= new Map());
}

/** Task packages announce the models they ship; called when such a package is imported. */
export function registerEmbeddedModel(model: EmbeddedModel): void {
  registry().set(model.name, model);
}

export function listEmbeddedModels(): EmbeddedModel[] {
  return [...registry().values()].sort((a, b) => a.task.localeCompare(b.task) || a.name.localeCompare(b.name));
}

const EMBEDDED_NAME = /^[a-z0-9][a-z0-9._-]*$/i;
/**
 * One part of a hub id, by the hub's own rules (huggingface_hub's validate_repo_id): letters, digits, `_`, `-`,
 * `.`, 1-96 characters, starting and ending with a letter, digit or `_`, no `--` or `..`, no `.git` suffix. So
 * `.`, `..`, dot files and option-like names can never become a folder of DL_CACHE/hub.
 */
const HUB_ID_PART = /^\w(?:[\w.-]{0,94}\w)?$/;

/** Whether `id` is a hub id `org/name` whose parts are real names. */
export function isHubId(id: string): boolean {
  const parts = id.split('/');
  return parts.length === 2 && parts.every((p) => HUB_ID_PART.test(p) && !p.includes('--') && !p.includes('..') && !p.endsWith('.git'));
}

/**
 * Whether `revision` (a branch, tag or commit of a hub repository) is one plain path part: transformers.js caches
 * a revision other than main in `<org>/<name>/<revision>/`, so it must not be able to climb out of that folder.
 */
export function isHubRevision(revision: string): boolean {
  return /^\w[\w.-]{0,95}$/.test(revision) && !revision.includes('..');
}

/** A hub model's folder in DL_CACHE/hub, parts from the hub folder down (transformers.js's FileCache layout). */
export function hubCacheParts(id: string, revision = 'main'): string[] {
  return revision === 'main' ? id.split('/') : [...id.split('/'), revision];
}

/**
 * Parses a reference: an existing path is a local model, `org/name` is a hub id, a bare name is an embedded
 * model. Anything else (a missing path, `../x`) is `MODEL_NOT_FOUND`, so a typo never reaches the network.
 */
export function parseModelReference(reference: string): ModelReference {
  const ref = reference.trim();
  if (ref === '') throw new DlError('MODEL_NOT_FOUND', 'Empty model reference');
  const looksLikePath = ref.startsWith('.') || ref.startsWith('/') || ref.startsWith('~') || ref.includes('\\');
  if (looksLikePath || existsSync(ref)) {
    if (!existsSync(ref)) throw new DlError('MODEL_NOT_FOUND', `Model path ${ref} does not exist`);
    return { kind: 'local', path: resolve(ref) };
  }
  if (isHubId(ref)) return { kind: 'hub', id: ref };
  if (EMBEDDED_NAME.test(ref)) return { kind: 'embedded', name: ref };
  throw new DlError('MODEL_NOT_FOUND', `'${ref}' is neither an embedded model name, an existing path, nor a hub id (org/name)`);
}

/** Resolves an embedded name or a local folder to its checked manifest and files. */
export async function loadLocalModel(reference: ModelReference, task?: string): Promise<LoadedManifest> {
  if (reference.kind === 'hub') {
    const { offline } = dlSettings();
    throw new DlError(
      offline ? 'MODEL_OFFLINE' : 'INPUT_UNSUPPORTED',
      offline
        ? `Hub model ${reference.id} is not available offline (DL_OFFLINE=1)`
        : `Hub model ${reference.id} cannot be used for this task yet: give an embedded name or a model folder`,
    );
  }
  let dir: string;
  if (reference.kind === 'embedded') {
    const model = registry().get(reference.name);
    if (model === undefined) {
      const known = listEmbeddedModels().map((m) => m.name);
      throw new DlError(
        'MODEL_NOT_FOUND',
        `No embedded model '${reference.name}'${known.length ? ` (embedded: ${known.join(', ')})` : ''}`,
      );
    }
    dir = model.dir;
  } else {
    dir = reference.path;
  }
  const loaded = await loadManifest(dir);
  if (task !== undefined && loaded.manifest.task !== task) {
    throw new DlError('MODEL_INVALID', `Model ${loaded.manifest.name} is for ${loaded.manifest.task}, not ${task}`);
  }
  return loaded;
}
