import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'bench/**/*.test.ts', 'examples/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // vitest's default is cores - 1: one worker on a 2-core machine, so every file's time adds up (17 min of tests
    // in one CI run). Two workers: 10.7 min in the same clean-clone run, timing-bounded tests well within bounds.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
