import { open, readFile, rm } from 'node:fs/promises';
import { DlError } from '../errors.js';
import { alive } from './process-alive.js';

/**
 * Takes `<path>.lock` for this process, so that two commands on one machine never write the same output file at
 * once. A lock left by a process that is gone (killed, crashed) is taken over. Resolves to the release function.
 * A lock held by a live process is `code` (default INVALID_ARGUMENT).
 */
export async function lockFile(path: string, options: { code?: 'INVALID_ARGUMENT' | 'BUSY' } = {}): Promise<() => Promise<void>> {
  const code = options.code ?? 'INVALID_ARGUMENT';
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new DlError(code, `${path} is being written by process ${pid} (${lock}); wait for it, or stop it`);
      }
      await rm(lock, { force: true });
    }
  }
  throw new DlError(code, `${path}: could not take ${lock}`);
}
