// bench/train-cnn: one epoch of the same small CNN on the 10,000 MNIST digits of ../shared/data/mnist/cazala-json,
// side by side in one run: dlkit on tfjs wasm (with core's training kernels), plain tfjs on the cpu backend (on a
// subset, scaled: it is ~100x slower), and PyTorch CPU at the same thread count (1: tfjs wasm is single-threaded
// in Node). Usage: node bench/train-cnn/run.mjs [--cpu-samples N] [--skip-cpu] [--data DIR]
// With --profile: only the wasm epoch, on --profile-samples digits, and the time spent in each kernel.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectTfjsBackend } from '@dlkit/core';
import * as tfl from '@tensorflow/tfjs-layers';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: join(here, '../../../shared/data/mnist/cazala-json') },
    'cpu-samples': { type: 'string', default: '1024' },
    'skip-cpu': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    profile: { type: 'boolean', default: false },
    'profile-samples': { type: 'string', default: '1024' },
  },
});
const SAMPLES = 10_000;
const BATCH = 64;

/** Digits interleaved by class (sample k of 0..9, then k+1), as the PyTorch script reads them. */
function loadDigits(limit) {
  const perDigit = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(values.data, `${d}.json`), 'utf8')).data);
  const xs = new Float32Array(limit * 784);
  const ys = new Float32Array(limit * 10);
  let n = 0;
  for (let k = 0; n < limit; k++) {
    for (let d = 0; d < 10 && n < limit; d++) {
      if ((k + 1) * 784 > perDigit[d].length) continue;
      xs.set(perDigit[d].slice(k * 784, (k + 1) * 784), n * 784);
      ys[n * 10 + d] = 1;
      n++;
    }
  }
  return { xs, ys, n };
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

function pytorchEpoch() {
  const out = execFileSync(values.python, [join(here, 'pytorch_cnn.py'), values.data, String(SAMPLES), '1'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

if (values.profile) {
  await tfjsEpoch('wasm', Number(values['profile-samples']), true);
  process.exit(0);
}

const torchVersion = execFileSync(values.python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
const results = [];
results.push(pytorchEpoch());
results.push(await tfjsEpoch('wasm', SAMPLES));
if (!values['skip-cpu']) results.push(await tfjsEpoch('cpu', Number(values['cpu-samples'])));

const perSample = (r) => r.seconds / r.samples;
const torch = results[0];
console.log(`machine: ${cpus()[0]?.model}, ${cpus().length} cores; node ${process.versions.node}; torch ${torchVersion}; 1 thread each`);
console.log('| runtime | samples timed | seconds | s per 10,000 | vs PyTorch | loss | accuracy |');
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.runtime} | ${r.samples} | ${r.seconds.toFixed(2)} | ${(perSample(r) * SAMPLES).toFixed(2)} | ${(perSample(r) / perSample(torch)).toFixed(2)}x | ${r.loss.toFixed(3)} | ${r.accuracy.toFixed(3)} |`,
  );
}
