// bench/train-fashion/epoch-time.mjs: seconds for one epoch of the Fashion-MNIST recipe's network (core's `cnn`,
// Adam 2e-3, mirrored images) on a stratified subset of its training split, for each number of gradient threads
// and batch size asked, one after the other in one run; the base for choosing the recipe's epochs. Prints the load
// (`os.loadavg`) before each. Usage (after pnpm build): node bench/train-fashion/epoch-time.mjs [--n 8000]
// [--workers 1,2] [--batch 64,128]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { buildArchitecture, fit, loadDatasetSplit, selectTfjsBackend, splitDataset } from '@dlkit/core';
import { FASHION_RECIPE, randomAffine } from '@dlkit/vision';

const { values } = parseArgs({ options: { n: { type: 'string', default: '8000' }, workers: { type: 'string', default: '1,2' }, batch: { type: 'string', default: '64,128' } } });
const { backend } = await selectTfjsBackend();
const { dataset } = await loadDatasetSplit('fashion-mnist:train');
const { train } = splitDataset(dataset, { validation: FASHION_RECIPE.validation, seed: FASHION_RECIPE.seed });
const n = Number(values.n);
const subset = splitDataset(train, { validation: n / train.size, seed: 7 }).validation;
const augment = randomAffine({ height: 28, width: 28, ...FASHION_RECIPE.augment });
console.log(`machine: ${cpus()[0]?.model}, ${cpus().length} cores; node ${process.versions.node}; tfjs ${backend}; ${subset.size} images, 1 epoch`);
console.log('| gradient threads | batch | seconds (epoch, incl. worker start) | s per 54,000 | load before (1 min) |');
console.log('|---|---|---|---|---|');
for (const batchSize of values.batch.split(',').map(Number)) {
  for (const workers of values.workers.split(',').map(Number)) {
    const load = loadavg()[0].toFixed(1);
    const model = await buildArchitecture('cnn', { inputShape: [28, 28, 1], classes: 10, seed: 1 });
    const result = await fit(model, subset, { epochs: 1, batchSize, seed: 1, workers, augment, optimizer: { name: 'adam', learningRate: FASHION_RECIPE.learningRate } });
    model.dispose();
    console.log(`| ${workers} | ${batchSize} | ${result.seconds.toFixed(1)} | ${((result.seconds * 54_000) / subset.size).toFixed(0)} | ${load} |`);
  }
}
