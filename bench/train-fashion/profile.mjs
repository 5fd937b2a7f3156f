// bench/train-fashion/profile.mjs: where one epoch of the Fashion-MNIST recipe's network goes, by tfjs kernel and by
// kernel + input shapes (`tf.profile` of core's `fit`, 1 gradient thread, batch 128, 1,280 training images, after a
// warm-up epoch). Usage (after pnpm build): DL_DATA_MIRROR=/usr/share/datasets node bench/train-fashion/profile.mjs
import { buildArchitecture, fit, loadDatasetSplit, selectTfjsBackend, splitDataset } from '@dlkit/core';
import { FASHION_RECIPE, randomAffine } from '@dlkit/vision';
const { tf } = await selectTfjsBackend();
const { dataset } = await loadDatasetSplit('fashion-mnist:train');
const sub = splitDataset(dataset, { validation: 1280 / dataset.size, seed: 7 }).validation;
const augment = randomAffine({ height: 28, width: 28, ...FASHION_RECIPE.augment });
const model = await buildArchitecture('cnn', { inputShape: [28, 28, 1], classes: 10, seed: 1 });
await fit(model, sub, { epochs: 1, batchSize: 128, seed: 1, workers: 1, augment, optimizer: { name: 'adam', learningRate: 2e-3 } });
const t0 = performance.now();
const info = await tf.profile(() => fit(model, sub, { epochs: 1, batchSize: 128, seed: 1, workers: 1, augment, optimizer: { name: 'adam', learningRate: 2e-3 } }));
const wall = performance.now() - t0;
const m = new Map(); const shapes = new Map();
for (const k of info.kernels) { m.set(k.name, (m.get(k.name) ?? 0) + k.kernelTimeMs); const key = k.name + ' ' + JSON.stringify(k.inputShapes); shapes.set(key, (shapes.get(key) ?? 0) + k.kernelTimeMs); }
const tot = [...m.values()].reduce((a, b) => a + b, 0);
console.log('wall', wall.toFixed(0), 'kernels', tot.toFixed(0), 'n', info.kernels.length);
for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(k, v.toFixed(0), (100 * v / tot).toFixed(1) + '%');
console.log('--- by shape');
for (const [k, v] of [...shapes].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(v.toFixed(0), k);
