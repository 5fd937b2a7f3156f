import { open } from 'node:fs/promises';
import { DlError } from '../errors.js';

/** Default cap on one input file: far above any photo or clip a pipeline takes, far below memory. */
export const DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Reads a whole input file, mapping failures to typed errors that name the file. */
export async function readInputFile(path: string, maxBytes = DEFAULT_MAX_INPUT_BYTES): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DlError('INPUT_NOT_FOUND', `${path}: no such file`, { cause: error });
    throw new DlError('INPUT_UNREADABLE', `${path}: cannot be read (${code ?? 'error'})`, { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new DlError('INPUT_UNREADABLE', `${path}: is a directory`);
    if (stat.size > maxBytes) {
      throw new DlError('INPUT_TOO_LARGE', `${path}: ${stat.size} bytes is over the ${maxBytes}-byte limit`);
    }
    return await handle.readFile();
  } catch (error) {
    if (error instanceof DlError) throw error;
    throw new DlError('INPUT_UNREADABLE', `${path}: cannot be read`, { cause: error });
  } finally {
    await handle.close();
  }
}
