import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DlError, errorMessage, isDlError } from '../errors.js';
import { lockFile } from '../io/file-lock.js';
import { recoverModelSave } from './layers-model.js';
import { assertNoModel, type AssertNoModelOptions } from './manifest.js';

/**
 * Claims model folder `dir` for one training run, before it trains: takes `<dir>.lock` beside it (this process's
 * pid), so that a second run into the same folder at the same time is refused with BUSY (a lock left by a process
 * that is gone is taken over); mends what a killed save left; then refuses a model already there unless
 * `overwrite` (OUTPUT_EXISTS, see `assertNoModel`). Disposing of the claim removes the lock:
 * `await using claim = await claimModelFolder(out, { overwrite })`. No `dir` (no output asked for): nothing to claim.
 */
export async function claimModelFolder(dir: string | undefined, options: AssertNoModelOptions = {}): Promise<AsyncDisposable> {
  if (dir === undefined || dir === '') return { [Symbol.asyncDispose]: async () => undefined };
  const target = resolve(dir);
  let release: () => Promise<void>;
  try {
    await mkdir(dirname(target), { recursive: true });
    release = await lockFile(target, { code: 'BUSY' });
  } catch (error) {
    if (isDlError(error)) throw error;
    throw new DlError('OUTPUT_UNWRITABLE', `Cannot claim the model folder ${dir}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    await recoverModelSave(target);
    await assertNoModel(dir, options);
  } catch (error) {
    await release();
    throw error;
  }
  return { [Symbol.asyncDispose]: release };
}
