// Writes samples/digit-7-mnist.png and samples/digit-7-paper.jpg from one MNIST digit of the validation split
// that the embedded `digits` model never trained on: the 28x28 image as MNIST has it, and the same handwriting
// dark on uneven grey paper, 420x340, off-centre, as a JPEG (a stand-in for a phone photo).
// Usage (after pnpm build): node packages/vision/scripts/make-digit-samples.mjs [cazala-json-dir]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng, ensureDataset, splitDataset } from '@dlkit/core';
import { DIGITS_RECIPE, loadDigitsData } from '@dlkit/vision';
import { digitOnPaper } from '../dist/digits/paper-photo.js';

const here = new URL('..', import.meta.url).pathname;
const data = await loadDigitsData(process.argv[2] ?? (await ensureDataset('mnist-cazala')));
const { validation } = splitDataset(data, { validation: DIGITS_RECIPE.validation, seed: DIGITS_RECIPE.seed });
const index = validation.labels.indexOf(7);
const pixels = Uint8Array.from(await validation.read([index]), (v) => Math.round(v * 255));
await sharp(Buffer.from(pixels), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(here, 'samples/digit-7-mnist.png'));
await writeFile(join(here, 'samples/digit-7-paper.jpg'), await digitOnPaper(pixels, createRng(7), { left: 130, top: 60 }));
console.log(`wrote samples/digit-7-mnist.png and samples/digit-7-paper.jpg from validation item ${index}`);
