// Records every module a node process loads, for the import-graph test (cold-start.test.ts) and
// bench/cold-start/run.mjs --trace. Use: DL_MODULE_TRACE=<file> node --import <this file> <script>.
// Each line of <file>: milliseconds since the process started, a tab, the module's file URL (ESM, and CommonJS
// reached by import) or its path (CommonJS reached by require). Plain JavaScript: node runs it as it is.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const file = process.env.DL_MODULE_TRACE;
const record = (where) => appendFileSync(file, `${(performance.timeOrigin + performance.now() - startedAt()).toFixed(1)}\t${where}\n`);
// The hooks run on their own thread, whose clock starts later: both measure from the process start.
const startedAt = () => Number(process.env.DL_MODULE_TRACE_T0);

/** The ESM loader's hook (on the hooks thread): every module it loads, by URL. */
export async function load(url, context, next) {
  const result = await next(url, context);
  if (!url.startsWith('node:')) record(url);
  return result;
}

if (isMainThread && file !== undefined) {
  process.env.DL_MODULE_TRACE_T0 = String(performance.timeOrigin);
  register(import.meta.url);
  // require() never passes through the ESM hooks in Node 20: watch the CommonJS loader too.
  const cjs = /** @type {{ _load: (request: string, parent: unknown, isMain: boolean) => unknown; _resolveFilename: (request: string, parent: unknown, isMain: boolean) => string }} */ (/** @type {unknown} */ (Module));
  const original = cjs._load;
  const seen = new Set();
  cjs._load = function (request, parent, isMain) {
    const result = original.call(this, request, parent, isMain);
    try {
      const path = cjs._resolveFilename(request, parent, isMain);
      if (path.startsWith('/') && !seen.has(path)) {
        seen.add(path);
        record(path);
      }
    } catch {
      // a builtin, or a request only the original loader could resolve: not a file
    }
    return result;
  };
}
