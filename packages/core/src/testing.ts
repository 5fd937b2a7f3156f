// `@dlkit/core/testing`: what this repository's tests use to find real data (never a path relative to a checkout).
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { dataMirrors, localDataset } from './datasets/local.js';

const announced = new Set<string>();

/** One line per missing set and test run (a file that skips ten tests says so once). */
function announce(key: string, line: string): void {
  if (announced.has(key)) return;
  announced.add(key);
  console.warn(line);
}

/**
 * The verified local folder of a registered data set (cache, `DL_DATA_MIRROR`, system package), or undefined
 * after printing one line that names it and how to get it: use with `describe.skipIf(!dir)`.
 */
export function testDataset(name: string): string | undefined {
  const dir = localDataset(name);
  if (dir === undefined) announce(`set:${name}`, `skipped: data set ${name} is not here (get it with: dl data pull ${name}, or set DL_DATA_MIRROR)`);
  return dir;
}

/**
 * A sample file that is not a registered set (`images/chelsea.png`, `models/...`), looked up by its path relative
 * to each `DL_DATA_MIRROR` folder, or undefined after printing one line: use with `it.skipIf(!path)`.
 */
export function testDataFile(relPath: string): string | undefined {
  for (const mirror of dataMirrors()) {
    const path = join(mirror, ...relPath.split('/'));
    if (existsSync(path) && !lstatSync(path).isSymbolicLink()) return path;
  }
  announce(`file:${relPath}`, `skipped: sample file ${relPath} is in no DL_DATA_MIRROR folder (${dataMirrors().join(', ') || 'DL_DATA_MIRROR is not set'})`);
  return undefined;
}
