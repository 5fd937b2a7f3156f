// bench/train-digits/read.mjs: accuracy of the embedded `digits` model through the whole image pipeline
// (decode, MNIST normalisation, model) on the validation split it never trained on: each digit as a 28x28 PNG,
// and the same handwriting dark on uneven grey paper, 420x340, off-centre, JPEG (packages/vision's digitOnPaper).
// Usage (after pnpm build): node bench/train-digits/read.mjs [--data DIR]
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createRng, splitDataset } from '@dlkit/core';
import { DIGITS_RECIPE, loadDigitsData, pipeline } from '@dlkit/vision';
import { digitOnPaper } from '../../packages/vision/dist/digits/paper-photo.js';
import { dataset } from '../data.mjs';

// --data: a folder of the cazala JSON digits; default the registered mnist-cazala (see ../data.mjs).
const { values } = parseArgs({ options: { data: { type: 'string' } } });
const { validation } = splitDataset(await loadDigitsData(values.data ?? (await dataset('mnist-cazala'))), { validation: DIGITS_RECIPE.validation, seed: DIGITS_RECIPE.seed });
const classifier = await pipeline('image-classification', 'digits');
const all = Array.from({ length: validation.size }, (_, i) => i);
const pixels = await validation.read(all);
const bytes = (i) => Uint8Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
const renders = {
  'MNIST 28x28 PNG': (i) => sharp(Buffer.from(bytes(i)), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer(),
  'dark on grey paper, 420x340 JPEG': (i) => {
    const rng = createRng(7, i);
    return digitOnPaper(bytes(i), rng, { left: 40 + Math.floor(rng() * 120), top: 30 + Math.floor(rng() * 60) });
  },
};
console.log(`| input form | held-out digits | accuracy | ms per image |`);
console.log('|---|---|---|---|');
for (const [name, render] of Object.entries(renders)) {
  const images = await Promise.all(all.map(render));
  const started = performance.now();
  const results = await classifier.each(images, { topK: 1 });
  const ms = (performance.now() - started) / images.length;
  const right = results.filter((r, i) => r.ok && r.value[0].label === String(validation.labels[i])).length;
  console.log(`| ${name} | ${images.length} | ${((100 * right) / images.length).toFixed(2)}% (${right}) | ${ms.toFixed(1)} |`);
}
await classifier.dispose();
