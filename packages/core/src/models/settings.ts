import { mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DlError } from '../errors.js';

export interface DlSettings {
  /** Where hub models are cached: `DL_CACHE`, default `~/.cache/dlkit`. */
  cacheDir: string;
  /** `DL_OFFLINE=1`: never reach the network; a model not cached is an error. */
  offline: boolean;
  /** The Hugging Face hub (or a mirror): `DL_HUB_ENDPOINT`, else `HF_ENDPOINT`, else https://huggingface.co. */
  hubEndpoint: string;
}

export function dlSettings(env: NodeJS.ProcessEnv = process.env): DlSettings {
  return {
    cacheDir: resolve(env.DL_CACHE || join(homedir(), '.cache', 'dlkit')),
    offline: ['1', 'true', 'yes'].includes((env.DL_OFFLINE ?? '').toLowerCase()),
    hubEndpoint: (env.DL_HUB_ENDPOINT || env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, ''),
  };
}

/**
 * `DL_CACHE/<sub>`, created if need be. A DL_CACHE that is a file or cannot be written is the user's setting to
 * fix, not a fault of any model: INVALID_ARGUMENT naming DL_CACHE.
 */
export async function cacheFolder(sub: string, settings: DlSettings = dlSettings()): Promise<string> {
  const dir = join(settings.cacheDir, sub);
  try {
    await mkdir(dir, { recursive: true });
    if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new DlError('INVALID_ARGUMENT', `DL_CACHE (${settings.cacheDir}) cannot hold the cache: ${dir} is not a writable folder (${code}); point DL_CACHE at a folder, or unset it for ~/.cache/dlkit`, { cause: error });
  }
  return dir;
}
