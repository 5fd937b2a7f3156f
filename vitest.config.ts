import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'bench/**/*.test.ts', 'examples/*.test.ts', 'tests/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // vitest's default is cores - 1: one worker on a 2-core CI machine, so every file's time adds up. Two workers
    // need the test files never to block their event loop past vitest's 60 s RPC timeout: they spawn the CLI
    // asynchronously (packages/cli/src/run-dl.test-helpers.ts), never with spawnSync.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
