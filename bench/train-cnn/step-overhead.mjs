// Where one step of core's single-thread `fit` goes above the kernels (issue 24): the forward and backward pass,
// the read of its loss and hits (argMax, then `data()` of both), the seeded random stream the step runs in, and the
// Adam update, each timed inside the same steps of one process, so that load hits every part alike. Medians over
// --steps steps of core's `cnn-small` (dropout 0.4) on real digits, batch 64, after --warmup steps, on --backend
// (default wasm; webgpu where its optional packages are installed).
// Usage: DL_DATA_MIRROR=../shared/data node bench/train-cnn/step-overhead.mjs [--steps 40] [--warmup 3] [--backend wasm]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildArchitecture, createRng, RNG_STREAM, selectTfjsBackend, withSeededMathRandom } from '@dlkit/core';
import { dataset } from '../data.mjs';

// forwardBackward and readStep are internal to core (not exported): taken from its build beside the entry.
const step = await import(new URL('./train/step.js', import.meta.resolve('@dlkit/core')).href);
const { values } = parseArgs({
  options: { steps: { type: 'string', default: '40' }, warmup: { type: 'string', default: '3' }, backend: { type: 'string', default: 'wasm' } },
});
const [STEPS, WARMUP, BATCH] = [Number(values.steps), Number(values.warmup), 64];

const { tf, backend, candidates } = await selectTfjsBackend(values.backend);
const device = candidates.find((c) => c.name === backend)?.device;
const dir = await dataset('mnist-cazala');
// The first BATCH digits of each class, as bytes like fit's readers give them.
const xs = new Float32Array(10 * BATCH * 784);
const ys = new Int32Array(10 * BATCH);
for (let d = 0; d < 10; d++) {
  const { data } = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8'));
  xs.set(Float32Array.from(data.slice(0, BATCH * 784), (v) => Math.round(v * 255) / 255), d * BATCH * 784);
  ys.fill(d, d * BATCH, (d + 1) * BATCH);
}
const model = await buildArchitecture('cnn-small', { inputShape: [28, 28, 1], classes: 10, seed: 0 });
const variables = model.trainableWeights.map((w) => w.read());
const optimizer = tf.train.adam(1e-3);
const parts = { forwardBackward: [], read: [], update: [], seededScope: [], step: [] };
const load = [loadavg()[0]];

for (let k = 0; k < WARMUP + STEPS; k++) {
  // Batches mixed from all classes: example i of the step is digit (i % 10).
  const pick = Array.from({ length: BATCH }, (_, i) => ((i % 10) * BATCH + ((k * 7 + i) % BATCH)));
  const x = new Float32Array(BATCH * 784);
  pick.forEach((p, i) => x.set(xs.subarray(p * 784, (p + 1) * 784), i * 784));
  const y = Int32Array.from(pick, (p) => ys[p]);
  const t0 = performance.now();
  // The scope alone (a stream made, Math.random swapped in and back), then the step inside its own.
  withSeededMathRandom(createRng(0, RNG_STREAM.step, 0, k), () => 0);
  const t1 = performance.now();
  const pending = withSeededMathRandom(createRng(0, RNG_STREAM.step, 0, k), () => step.forwardBackward(tf, model, variables, x, y, [28, 28, 1], 10, true));
  const t2 = performance.now();
  const result = await step.readStep(pending);
  const t3 = performance.now();
  tf.tidy(() => optimizer.applyGradients(Object.fromEntries(variables.map((v, i) => [v.name, result.grads[i]]))));
  tf.dispose(result.grads);
  const t4 = performance.now();
  if (k < WARMUP) continue;
  parts.seededScope.push(t1 - t0);
  parts.forwardBackward.push(t2 - t1);
  parts.read.push(t3 - t2);
  parts.update.push(t4 - t3);
  parts.step.push(t4 - t1);
}
load.push(loadavg()[0]);

// The argMax that the hits need, alone (it runs inside forwardBackward above), on the step's output shape.
const logits = tf.randomUniform([BATCH, 10]);
const argMax = [];
for (let r = 0; r < 200; r++) {
  const t0 = performance.now();
  await tf.tidy(() => tf.argMax(logits, -1)).data();
  argMax.push(performance.now() - t0);
}
logits.dispose();

const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const stepMs = median(parts.step);
console.log(`cnn-small, batch ${BATCH}, ${backend}${device ? ` on ${device}` : ''}, ${STEPS} steps after ${WARMUP}; load average ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after`);
console.log('| part of one step | median ms | share of the step |');
console.log('|---|---|---|');
for (const [name, ms] of Object.entries(parts)) console.log(`| ${name} | ${median(ms).toFixed(3)} | ${((100 * median(ms)) / stepMs).toFixed(2)}% |`);
console.log(`| argMax + data() of it, alone (200 reps) | ${median(argMax).toFixed(3)} | ${((100 * median(argMax)) / stepMs).toFixed(2)}% |`);
model.dispose();
