import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'bench/**/*.test.ts', 'examples/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
