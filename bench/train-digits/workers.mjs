// bench/train-digits/workers.mjs: one epoch of the digits CNN (the `cnn` architecture, batch 64) over the
// 10,000 MNIST digits of the registry's `mnist-cazala` (see ../data.mjs), with 1 and with 2 gradient threads,
// side by side in one run on tfjs wasm. Usage: node bench/train-digits/workers.mjs [--data DIR] [--workers 1,2]
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { buildArchitecture, fit, selectTfjsBackend } from '@dlkit/core';
import { fromDigitsJson } from '@dlkit/vision';
import { dataset } from '../data.mjs';

// --data: a folder of the cazala JSON digits instead of the registered set.
const { values } = parseArgs({ options: { data: { type: 'string' }, workers: { type: 'string', default: '1,2' } } });
const { backend } = await selectTfjsBackend();
const digits = await fromDigitsJson(values.data ?? (await dataset('mnist-cazala')));
const rows = [];
for (const workers of values.workers.split(',').map(Number)) {
  const model = await buildArchitecture('cnn', { inputShape: [28, 28, 1], classes: 10, seed: 1 });
  const result = await fit(model, digits, { epochs: 1, batchSize: 64, seed: 1, workers, optimizer: { name: 'adam', learningRate: 2e-3 } });
  rows.push({ workers, seconds: result.seconds, loss: result.history[0].loss, accuracy: result.history[0].accuracy });
  model.dispose();
}
console.log(`machine: ${cpus()[0]?.model}, ${cpus().length} cores; node ${process.versions.node}; tfjs ${backend}; ${digits.size} digits, 1 epoch`);
console.log('| gradient threads | seconds (epoch, incl. worker start) | speed-up vs 1 | loss | accuracy |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.workers} | ${r.seconds.toFixed(2)} | ${(rows[0].seconds / r.seconds).toFixed(2)}x | ${r.loss.toFixed(3)} | ${r.accuracy.toFixed(3)} |`);
}
