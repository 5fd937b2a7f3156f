import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The UI lives in src/ui and is built into dist/public, which the server serves. `pnpm --filter @dlkit/demo dev`
// serves the UI with hot reload and sends /api to a demo server already running on port 3000.
export default defineConfig({
  root: fileURLToPath(new URL('src/ui', import.meta.url)),
  build: { outDir: fileURLToPath(new URL('dist/public', import.meta.url)), emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
