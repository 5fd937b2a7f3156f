import { delimiter, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The data-set mirror the tests read (see @dlkit/core/testing): the data beside this checkout and Debian's
// dataset packages, laid out like DL_CACHE/datasets. A DL_DATA_MIRROR set outside wins.
const root = dirname(fileURLToPath(import.meta.url));
const DL_DATA_MIRROR = process.env.DL_DATA_MIRROR ?? [resolve(root, '../shared/data'), '/usr/share/datasets'].join(delimiter);

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'bench/**/*.test.ts', 'examples/*.test.ts', 'tests/*.test.ts'],
    testTimeout: 120_000,
    env: { DL_DATA_MIRROR },
    hookTimeout: 120_000,
    // vitest's default is cores - 1: one worker on a 2-core CI machine, so every file's time adds up. Two workers
    // need the test files never to block their event loop past vitest's 60 s RPC timeout: they spawn the CLI
    // asynchronously (packages/cli/src/run-dl.test-helpers.ts), never with spawnSync.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
