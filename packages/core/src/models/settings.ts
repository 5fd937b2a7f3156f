import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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
