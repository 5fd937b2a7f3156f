import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { alive } from './process-alive.js';

/**
 * Removes the temporary siblings of `path` left by writers that were killed mid-write (SIGKILL, power loss):
 * `<name>.tmp-<pid>-<hex>` whose process is gone. A live writer's file is left alone.
 */
async function removeStaleTemporaries(path: string): Promise<void> {
  const prefix = `${basename(path)}.tmp-`;
  const siblings = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of siblings) {
    const pid = name.startsWith(prefix) ? Number(/^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length))?.[1]) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) await rm(join(dirname(path), name), { force: true });
  }
}

/**
 * Writes a file so that readers see the old content or the new, never half of it: the bytes go to a temporary
 * sibling first and are renamed over the target (atomic on POSIX file systems). A failed write removes the
 * temporary file and leaves the target as it was; one left by a killed writer is removed by the next write.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await removeStaleTemporaries(path);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, data, { flush: true });
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Flushes a folder's entries (the names renamed into it) to disk, so that a rename survives a power loss as the
 * file contents written with `flush` do. Platforms that cannot open a folder for it (Windows) skip this.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}
