// bench/train-cnn/threaded-wasm.mjs: tfjs-backend-wasm 4.22's threaded SIMD build (XNNPACK's thread pool) in Node,
// against the plain build on 1 thread and dlkit's data-parallel `workers: 2`, each in its own process, interleaved:
// one epoch of core's `cnn-small` (no dropout) over --samples digits of the registry's `mnist-cazala`, same seed.
// Usage: node bench/train-cnn/threaded-wasm.mjs [--samples N] [--rounds R]
// tfjs turns the threaded build off in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there, tfjs#3830) and hands
// Emscripten its pthread worker as a blob: URL, which Node's Worker cannot load. What makes it run here:
// 1. the flag set to true before the backend starts;
// 2. the pthread worker script written to disk, its `importScripts(blob)` branch replaced by the factory's path
//    on disk, and URL.createObjectURL answering that file for it while the backend starts;
// 3. os.cpus() doubled while the backend starts: its C++ side sizes the pool at load as logical cores / 2
//    (clamped to 1..4), so on 2 cores it has one thread whatever setThreadsCount says.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '2' }, child: { type: 'string' } },
});

async function startThreadedWasm(tf) {
  const require = createRequire(import.meta.resolve('@dlkit/core'));
  const out = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '../wasm-out');
  const { wasmWorkerContents } = require(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js'));
  const blobBranch = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';
  if (!wasmWorkerContents.includes(blobBranch)) throw new Error('this tfjs-backend-wasm has another pthread worker');
  const script = join(mkdtempSync(join(os.tmpdir(), 'tfjs-wasm-threads-')), 'pthread-worker.js');
  // tfjs escapes the newlines of the script the same way before making its blob.
  writeFileSync(script, wasmWorkerContents.replace(/\n/g, '\\n').replace(blobBranch, `importScripts(${JSON.stringify(join(out, 'tfjs-backend-wasm-threaded-simd.js'))});`));
  (await import('@tensorflow/tfjs-backend-wasm')).setThreadsCount(2);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const [createObjectURL, cpus] = [URL.createObjectURL, os.cpus];
  URL.createObjectURL = (blob) => (blob?.type === 'application/javascript' ? script : createObjectURL(blob));
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    const { selectTfjsBackend } = await import('@dlkit/core');
    await selectTfjsBackend('wasm');
  } finally {
    [URL.createObjectURL, os.cpus] = [createObjectURL, cpus];
  }
}

async function child(mode) {
  const tf = await import('@tensorflow/tfjs-core');
  if (mode === 'threaded') await startThreadedWasm(tf);
  const { buildArchitecture, fit, localDataset, selectTfjsBackend, splitDataset } = await import('@dlkit/core');
  const { fromDigitsJson } = await import('@dlkit/vision');
  await selectTfjsBackend('wasm');
  const all = await fromDigitsJson(localDataset('mnist-cazala'));
  const data = splitDataset(all, { validation: Number(values.samples) / all.size, seed: 3 }).validation;
  const model = await buildArchitecture('cnn-small', { inputShape: [28, 28, 1], classes: 10, seed: 1, dropout: 0 });
  const workers = mode === 'workers-2' ? 2 : 1;
  const result = await fit(model, data, { epochs: 1, batchSize: 64, seed: 1, workers, optimizer: { name: 'adam', learningRate: 1e-3 } });
  const hash = createHash('sha256');
  for (const w of model.getWeights()) hash.update(new Uint8Array(w.dataSync().buffer));
  const line = { mode, xnnpackThreads: tf.backend().wasm.tfjs.getThreadsCount(), samples: data.size, seconds: result.seconds, loss: result.history[0].loss, sha256: hash.digest('hex') };
  // The pthread workers keep the process alive: exit once the line is written.
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(0));
}

/** Each mode in its own process (one backend per process), modes interleaved over the rounds. */
async function parent() {
  const runs = [];
  const modes = ['plain', 'threaded', 'workers-2'];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const mode of round % 2 ? [...modes].reverse() : modes) {
      const load = os.loadavg()[0];
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, '--samples', values.samples], { encoding: 'utf8' });
      runs.push({ ...JSON.parse(out.trim().split('\n').pop()), load });
    }
  }
  const plain = runs.find((r) => r.mode === 'plain');
  console.log(`${os.cpus().length} cores; node ${process.versions.node}; ${plain.samples} digits, 1 epoch, batch 64`);
  console.log('| build | XNNPACK threads | gradient threads | seconds (incl. worker start) | load before | loss | weights (sha256) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of runs) {
    const same = r.sha256 === plain.sha256 ? ' (= plain)' : '';
    console.log(`| ${r.mode === 'threaded' ? 'threaded SIMD' : 'plain SIMD'} | ${r.xnnpackThreads} | ${r.mode === 'workers-2' ? 2 : 1} | ${r.seconds.toFixed(2)} | ${r.load.toFixed(1)} | ${r.loss.toFixed(6)} | ${r.sha256.slice(0, 12)}${same} |`);
  }
}

if (values.child) await child(values.child);
else await parent();
