// bench/train-fashion/evaluate.mjs: test accuracy of a model `dl train fashion` wrote (default .cache/fashion,
// where `pnpm train:fashion` puts it) on Fashion-MNIST's official 10,000 test images, read from the registry
// (DL_CACHE, DL_DATA_MIRROR or Debian's dataset-fashion-mnist). Two ways: the model on the test tensors as the
// data set has them, and through the image pipeline (`dl vision classify --model`'s path: each image as a 28x28
// PNG, decoded and resized) on every tenth test image. Run it once, after the recipe was chosen on validation.
// Usage (after pnpm build): node bench/train-fashion/evaluate.mjs [--model DIR] [--every N]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import sharp from 'sharp';
import { evaluate, loadDatasetSplit, loadLayersModel, loadManifest, readModelFile, selectTfjsBackend } from '@dlkit/core';
import { pipeline } from '@dlkit/vision';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { model: { type: 'string', default: join(here, '../../.cache/fashion') }, every: { type: 'string', default: '10' } } });
const { backend } = await selectTfjsBackend();
const { dataset: test } = await loadDatasetSplit('fashion-mnist:test');
const loaded = await loadManifest(values.model);
const labels = JSON.parse((await readModelFile(loaded, 'labels')).toString('utf8'));
const model = await loadLayersModel(loaded);
const started = performance.now();
const { loss, report } = await evaluate(model, test, { batchSize: 256 });
const seconds = (performance.now() - started) / 1000;
model.dispose();
console.log(`model ${values.model} (${loaded.manifest.training?.command ?? '?'}, ${loaded.manifest.training?.epochs ?? '?'} epochs); tfjs ${backend}; ${cpus().length} cores`);
console.log(`| test set | images | accuracy | macro F1 | loss | seconds |`);
console.log('|---|---|---|---|---|---|');
console.log(`| Fashion-MNIST t10k, tensors | ${report.count} | **${(report.accuracy * 100).toFixed(2)}%** | ${report.macroF1.toFixed(4)} | ${loss.toFixed(4)} | ${seconds.toFixed(1)} |`);

// Through the classifier: the same images as PNG files, as a user would pass them.
const every = Number(values.every);
const picks = Array.from({ length: Math.floor(test.size / every) }, (_, i) => i * every);
const pixels = await test.read(picks);
const pngs = await Promise.all(
  picks.map((_, i) => sharp(Buffer.from(Uint8Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255))), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer()),
);
const classifier = await pipeline('image-classification', values.model);
const results = await classifier.each(pngs, { topK: 1 });
const right = results.filter((r, i) => r.ok && r.value[0].label === labels[test.labels[picks[i]]]).length;
await classifier.dispose();
console.log(`| Fashion-MNIST t10k, every ${every}th as PNG through the classifier | ${picks.length} | ${((100 * right) / picks.length).toFixed(2)}% | | | |`);
console.log('');
console.log('| class | precision | recall | F1 |');
console.log('|---|---|---|---|');
// The test split's classes are the label numbers unless the registry names them: the model's labels name them.
report.perClass.forEach((c, i) => console.log(`| ${labels[i]} | ${c.precision.toFixed(3)} | ${c.recall.toFixed(3)} | ${c.f1.toFixed(3)} |`));
