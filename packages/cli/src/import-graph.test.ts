import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runDl } from './run-dl.test-helpers.js';

// Which modules a command loads, not how long it takes (bench/cold-start times it): each command below runs in a
// child with a module-load trace, and must not load the packages it does not use.
const TRACER = fileURLToPath(new URL('./module-trace.test-helpers.mjs', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../vision/samples/cat.jpg', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dl-import-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The files `dl <args>` loaded (URLs and paths), after checking that it succeeded. */
async function loaded(name: string, args: string[]): Promise<string[]> {
  const trace = join(dir, `${name}.txt`);
  const run = await runDl(args, { env: { NODE_OPTIONS: `--import=${TRACER}`, DL_MODULE_TRACE: trace } });
  expect(run.code, run.stderr).toBe(0);
  return readFileSync(trace, 'utf8').trim().split('\n').map((line) => line.split('\t')[1]!);
}

/** The files of `pkg` (a dependency by name, or one of ours as `packages/<name>/dist/`) among `files`. */
const of = (files: string[], pkg: string) => files.filter((file) => file.includes(pkg.startsWith('packages/') ? pkg : `/node_modules/${pkg}`));

const RUNTIMES_NOT_FOR_ONNX = ['@tensorflow/', '@huggingface/', 'onnxruntime-web', 'bullmq', 'ioredis', 'piscina', '@vladmandic/'];

describe('the modules each command loads', () => {
  it('dl vision classify loads sharp and onnxruntime-node, and no tfjs, transformers.js, queue or face code', async () => {
    const files = await loaded('classify', ['vision', 'classify', SAMPLE]);
    expect(of(files, 'onnxruntime-node').length).toBeGreaterThan(0); // the trace sees what a command does load
    expect(of(files, 'sharp').length).toBeGreaterThan(0);
    for (const pkg of RUNTIMES_NOT_FOR_ONNX) expect(of(files, pkg), pkg).toEqual([]);
    // Not the package entries: their training, data set and report code.
    for (const entry of ['packages/vision/dist/index.js', 'packages/vision/dist/fine-tune/', 'packages/nlp/dist/index.js']) expect(of(files, entry), entry).toEqual([]);
  });

  it('dl nlp sentiment loads tfjs, and nothing of vision or speech but their task tables, nor onnxruntime or sharp', async () => {
    const files = await loaded('sentiment', ['nlp', 'sentiment', '--text', 'a fine film']);
    expect(of(files, '@tensorflow/tfjs-layers').length).toBeGreaterThan(0);
    for (const pkg of ['onnxruntime-node', 'onnxruntime-web', 'sharp', '@huggingface/', 'bullmq', 'ioredis', 'piscina']) expect(of(files, pkg), pkg).toEqual([]);
    for (const domain of ['vision', 'speech']) expect(of(files, `packages/${domain}/dist/`)).toEqual([expect.stringMatching(new RegExp(`packages/${domain}/dist/tasks\\.js$`))]);
  });

  it('dl --help loads no model runtime at all', async () => {
    const files = await loaded('help', ['--help']);
    for (const pkg of [...RUNTIMES_NOT_FOR_ONNX, 'onnxruntime-node', 'sharp']) expect(of(files, pkg), pkg).toEqual([]);
  });
});
