// Where the bench scripts find their data, never by a path relative to this checkout:
// - a registered data set (`dl data list`) through the registry: DL_CACHE/datasets, a DL_DATA_MIRROR folder or a
//   system package, else downloaded (`dataset('fsdd')`);
// - a sample that is no registered set (the photos of `images/`, `models/`) by its path inside a DL_DATA_MIRROR
//   folder (`mirrorPath('images')`), the same lookup as the tests' `testDataFile`.
// In this repository: DL_DATA_MIRROR=../shared/data:/usr/share/datasets. `node bench/data.mjs <set>` prints a set's
// folder (the root package.json's train:* scripts use it).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDataset } from '@dlkit/core';
import { dataMirrors } from '@dlkit/core/datasets';

/** The local folder of registered data set `name`, fetched first when it is nowhere here. */
export const dataset = (name) => ensureDataset(name);

/** `relPath` (`images`, `images/dog.jpg`) in the first DL_DATA_MIRROR folder that has it; else exit naming it. */
export function mirrorPath(relPath) {
  const mirrors = dataMirrors();
  const found = mirrors.map((mirror) => join(mirror, ...relPath.split('/'))).find((path) => existsSync(path));
  if (found !== undefined) return found;
  console.error(`bench: ${relPath} is in no DL_DATA_MIRROR folder (${mirrors.join(', ') || 'DL_DATA_MIRROR is not set'}); here: DL_DATA_MIRROR=../shared/data`);
  process.exit(2);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const name = process.argv[2];
  if (name === undefined) {
    console.error('usage: node bench/data.mjs <registered data set>');
    process.exit(2);
  }
  process.stdout.write(`${await dataset(name)}\n`);
}
