import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DlSettings {
  /** Where hub models are cached: `DL_CACHE`, default `~/.cache/dlkit`. */
  cacheDir: string;
  /** `DL_OFFLINE=1`: never reach the network; a model not cached is an error. */
  offline: boolean;
}

export function dlSettings(env: NodeJS.ProcessEnv = process.env): DlSettings {
  return {
    cacheDir: resolve(env.DL_CACHE || join(homedir(), '.cache', 'dlkit')),
    offline: ['1', 'true', 'yes'].includes((env.DL_OFFLINE ?? '').toLowerCase()),
  };
}
