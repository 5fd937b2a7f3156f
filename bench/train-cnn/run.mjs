// bench/train-cnn: one epoch of the same small CNN on the 10,000 MNIST digits of the registry's `mnist-cazala`
// (through ../data.mjs: the cache, a DL_DATA_MIRROR folder, else downloaded), side by side in one run at each
// thread count: dlkit's `fit` on tfjs wasm (core's training kernels; N threads = `workers: N`, what users run) and
// PyTorch CPU with `torch.set_num_threads(N)`, interleaved so that the machine's load hits both; plain tfjs on the
// cpu backend (on a subset, scaled: it is ~100x slower) at 1 thread. Usage: node bench/train-cnn/run.mjs
// [--threads 1,2] [--samples 10000] [--rounds R] [--cpu-samples N] [--skip-cpu] [--python PATH]. --samples: the
// epoch's length on both sides (the first that many digits; fewer to fit a time budget, e.g. device-check.sh's).
// With --profile: only a tfjs-layers wasm epoch on --profile-samples digits, and the time spent in each kernel.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fit, fromArrays, selectTfjsBackend } from '@dlkit/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dataset } from '../data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1,2' },
    samples: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '1' },
    'cpu-samples': { type: 'string', default: '1024' },
    'skip-cpu': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    profile: { type: 'boolean', default: false },
    'profile-samples': { type: 'string', default: '1024' },
  },
});
const DATA = await dataset('mnist-cazala');
const BATCH = 64;
const SAMPLES = Number(values.samples);
// dlkit's side is timed from its third batch: fewer than three batches would time nothing.
if (!Number.isInteger(SAMPLES) || SAMPLES < 3 * BATCH || SAMPLES > 10_000) {
  console.error(`--samples must be an integer from ${3 * BATCH} to 10000 (the digits of mnist-cazala), got ${values.samples}`);
  process.exit(2);
}

/** Digits interleaved by class (sample k of 0..9, then k+1), as the PyTorch script reads them. */
function loadDigits(limit) {
  const perDigit = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(DATA, `${d}.json`), 'utf8')).data);
  const xs = new Float32Array(limit * 784);
  const ys = new Float32Array(limit * 10);
  const labels = new Int32Array(limit);
  let n = 0;
  for (let k = 0; n < limit; k++) {
    for (let d = 0; d < 10 && n < limit; d++) {
      if ((k + 1) * 784 > perDigit[d].length) continue;
      xs.set(perDigit[d].slice(k * 784, (k + 1) * 784), n * 784);
      ys[n * 10 + d] = 1;
      labels[n] = d;
      n++;
    }
  }
  return { xs, ys, labels, n };
}

function buildModel() {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

async function tfjsEpoch(backend, samples, profile = false) {
  const { tf } = await selectTfjsBackend(backend);
  const { xs, ys, n } = loadDigits(samples);
  const model = buildModel();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = tf.tensor4d(xs, [n, 28, 28, 1]);
  const y = tf.tensor2d(ys, [n, 10]);
  // Warm-up on two batches (kernel setup, first allocations), as the PyTorch script does.
  const wx = tf.slice(x, 0, 2 * BATCH);
  const wy = tf.slice(y, 0, 2 * BATCH);
  await model.fit(wx, wy, { batchSize: BATCH, epochs: 1, verbose: 0, shuffle: false });
  const start = performance.now();
  let history;
  const kernels = new Map();
  const fit = async () => {
    history = await model.fit(x, y, { batchSize: BATCH, epochs: 1, verbose: 0, shuffle: false });
  };
  if (profile) {
    const info = await tf.profile(fit);
    for (const k of info.kernels) kernels.set(k.name, (kernels.get(k.name) ?? 0) + k.kernelTimeMs);
  } else {
    await fit();
  }
  const seconds = (performance.now() - start) / 1000;
  if (profile) {
    const total = [...kernels.values()].reduce((a, b) => a + b, 0);
    console.log(`wasm, ${n} samples, ${seconds.toFixed(2)} s wall, ${(total / 1000).toFixed(2)} s in kernels`);
    console.log('| kernel | ms | share |');
    console.log('|---|---|---|');
    for (const [name, ms] of [...kernels].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`| ${name} | ${ms.toFixed(0)} | ${((100 * ms) / total).toFixed(1)}% |`);
    }
  }
  tf.dispose([x, y, wx, wy]);
  model.dispose();
  return { runtime: `tfjs ${backend}`, samples: n, seconds, loss: history.history.loss[0], accuracy: history.history.acc[0] };
}

/**
 * One epoch through core's `fit` with `workers: threads` (Adam 1e-3, batch 64, as PyTorch), timed from the end of
 * the second batch, the warm-up PyTorch has too (worker start, first allocations), to the end of the epoch.
 */
async function dlkitEpoch(threads) {
  await selectTfjsBackend('wasm');
  const { xs, labels, n } = loadDigits(SAMPLES);
  const data = fromArrays({ features: xs, labels, shape: [28, 28, 1], classes: Array.from({ length: 10 }, (_, d) => String(d)) });
  const model = buildModel();
  let start = 0;
  let seconds = 0;
  const timer = {
    name: 'bench-timer',
    onBatchEnd: (ctx) => void (ctx.step === 2 && (start = performance.now())),
    onEpochEnd: () => void (seconds = (performance.now() - start) / 1000),
  };
  const result = await fit(model, data, { epochs: 1, batchSize: BATCH, seed: 0, workers: threads, optimizer: { name: 'adam', learningRate: 1e-3 }, callbacks: [timer] });
  model.dispose();
  const { loss, accuracy } = result.history[0];
  return { runtime: 'dlkit fit (tfjs wasm)', threads, samples: n - 2 * BATCH, seconds, loss, accuracy };
}

function pytorchEpoch(threads) {
  const out = execFileSync(values.python, [join(here, 'pytorch_cnn.py'), DATA, String(SAMPLES), String(threads)], { encoding: 'utf8' });
  return { runtime: 'pytorch', ...JSON.parse(out.trim().split('\n').pop()) };
}

if (values.profile) {
  await tfjsEpoch('wasm', Number(values['profile-samples']), true);
  process.exit(0);
}

const torchVersion = execFileSync(values.python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
const threadCounts = values.threads.split(',').map(Number);
const results = [];
const loadAtStart = loadavg()[0];
// Rounds alternate which side goes first, so that neither always runs in the other's wake.
for (let round = 0; round < Number(values.rounds); round++) {
  for (const threads of threadCounts) {
    const sides = [() => pytorchEpoch(threads), () => dlkitEpoch(threads)];
    for (const side of round % 2 === 0 ? sides : sides.reverse()) {
      const load = loadavg()[0];
      const r = await side();
      results.push(r);
      console.error(`${r.runtime}, ${threads} thread(s): ${r.seconds.toFixed(2)} s for ${r.samples} (load ${load.toFixed(1)} before)`);
    }
  }
}
if (!values['skip-cpu']) results.push({ ...(await tfjsEpoch('cpu', Number(values['cpu-samples']))), threads: 1 });

const perSample = (r) => r.seconds / r.samples;
const mean = (rows) => rows.reduce((sum, r) => sum + perSample(r), 0) / rows.length;
const torchAt = (threads) => mean(results.filter((r) => r.runtime === 'pytorch' && r.threads === threads));
console.log(`machine: ${cpus()[0]?.model}, ${cpus().length} cores; node ${process.versions.node}; torch ${torchVersion}; data ${DATA}; ${SAMPLES} samples`);
console.log(`load average (1 min): ${loadAtStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end\n`);
console.log('| runtime | threads | samples timed | seconds | s per 10,000 | vs PyTorch (same threads) | loss | accuracy |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.runtime} | ${r.threads} | ${r.samples} | ${r.seconds.toFixed(2)} | ${(perSample(r) * 10_000).toFixed(2)} | ${(perSample(r) / torchAt(r.threads)).toFixed(2)}x | ${r.loss.toFixed(3)} | ${r.accuracy.toFixed(3)} |`,
  );
}
console.log('\n| threads | PyTorch s per 10,000 | dlkit s per 10,000 | dlkit / PyTorch |');
console.log('|---|---|---|---|');
for (const threads of threadCounts) {
  const dlkit = mean(results.filter((r) => r.runtime.startsWith('dlkit') && r.threads === threads));
  console.log(`| ${threads} | ${(torchAt(threads) * 10_000).toFixed(2)} | ${(dlkit * 10_000).toFixed(2)} | ${(dlkit / torchAt(threads)).toFixed(2)}x |`);
}
