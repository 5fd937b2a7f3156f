import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, isDlError, splitDataset, type Dataset } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import { loadDigit } from '../classify/digit.js';
import { pipeline, type ImageClassificationPipeline } from '../pipeline.js';
import { digitOnPaper } from './paper-photo.js';
import { DIGITS_RECIPE, loadDigitsData } from './train-digits.js';

const DATA = testDataset('mnist-cazala');
const COUNT = 200;

let heldOut: Dataset;
let digits: Float32Array;
let classifier: ImageClassificationPipeline;

beforeAll(async () => {
  if (!DATA) return;
  // The validation split of the recipe: digits the shipped model never trained on.
  ({ validation: heldOut } = splitDataset(await loadDigitsData(DATA), { validation: DIGITS_RECIPE.validation, seed: DIGITS_RECIPE.seed }));
  const picks = Array.from({ length: COUNT }, (_, i) => Math.floor((i * heldOut.size) / COUNT));
  digits = await heldOut.read(picks);
  heldOut = { ...heldOut, labels: Int32Array.from(picks, (i) => heldOut.labels[i]!) };
  classifier = await pipeline('image-classification', 'digits');
});

const mnistPng = (i: number) => sharp(Buffer.from(bytes(i)), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();

const bytes = (i: number) => Uint8Array.from(digits.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));

/** The same handwriting as a photo of paper: dark ink, grey uneven paper, noise, large, off-centre, JPEG. */
function paperPhoto(i: number): Promise<Buffer> {
  const rng = createRng(7, i);
  return digitOnPaper(bytes(i), rng, { left: 40 + Math.floor(rng() * 120), top: 30 + Math.floor(rng() * 60) });
}

async function accuracy(render: (i: number) => Promise<Buffer>): Promise<number> {
  const images = await Promise.all(Array.from({ length: COUNT }, (_, i) => render(i)));
  const results = await classifier.each(images, { topK: 1 });
  return results.filter((r, i) => r.ok && r.value[0]!.label === String(heldOut.labels[i])).length / COUNT;
}

describe.skipIf(!DATA)('embedded digits model on held-out real handwriting', () => {
  it('reads 28x28 MNIST images', async () => {
    expect(await accuracy(mnistPng)).toBeGreaterThanOrEqual(0.97);
  });

  it('reads the same digits written dark on grey paper, photographed large and off-centre', async () => {
    expect(await accuracy(paperPhoto)).toBeGreaterThanOrEqual(0.95);
  });

  it('normalises a paper photo to nearly the MNIST image it came from', async () => {
    const field = await loadDigit(await paperPhoto(3));
    const original = digits.subarray(3 * 784, 4 * 784);
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let p = 0; p < 784; p++) {
      dot += field[p]! * original[p]!;
      a += field[p]! ** 2;
      b += original[p]! ** 2;
    }
    expect(dot / Math.sqrt(a * b)).toBeGreaterThan(0.85);
  });

  it('refuses a blank page with a typed error', async () => {
    const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#f0f0f0' } }).png().toBuffer();
    const error = await loadDigit(blank).catch((e: Error) => e);
    expect(isDlError(error, 'INPUT_UNREADABLE')).toBe(true);
    expect((error as Error).message).toMatch(/no digit found/);
  });
});
