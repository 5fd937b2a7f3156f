import { isAbsolute, relative, sep } from 'node:path';

/** Whether `path` is strictly inside `root` (both absolute and normalised; real paths where links matter). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
