import { fileURLToPath } from 'node:url';
import { openOnnxSessions, selectTfjsBackend } from '@dlkit/core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import './embedded.js';
import { pipeline } from './pipeline.js';

const CAT = fileURLToPath(new URL('../samples/cat.jpg', import.meta.url));
const FACES = fileURLToPath(new URL('../samples/faces.jpg', import.meta.url));
const DIGIT = fileURLToPath(new URL('../samples/digit-7-paper.jpg', import.meta.url));

/** A few sizes of one photo, so that calls take more than one path through resizing. */
async function variants(path: string, widths: number[]): Promise<Buffer[]> {
  return Promise.all(widths.map((w) => sharp(path).resize(w).jpeg().toBuffer()));
}

/**
 * Runs `call` `times` times after three warm-up calls and returns how many tfjs tensors are left over: 0 when
 * every call frees what it made.
 */
async function leftOver(times: number, call: (i: number) => Promise<unknown>): Promise<number> {
  const { tf } = await selectTfjsBackend();
  for (let i = 0; i < 3; i++) await call(i);
  const baseline = tf.memory().numTensors;
  for (let i = 0; i < times; i++) await call(i);
  return tf.memory().numTensors - baseline;
}

describe('no leaks over many calls (real embedded models)', () => {
  it('1,000 MobileNetV2 classifications leave no tensors, and dispose() releases its onnxruntime session', async () => {
    const images = await variants(CAT, [96, 160, 224, 333]);
    const sessions = openOnnxSessions();
    const classifier = await pipeline('image-classification');
    expect(openOnnxSessions()).toBe(sessions + 1);
    try {
      expect(await leftOver(1000, (i) => classifier(images[i % images.length]!))).toBe(0);
    } finally {
      await classifier.dispose();
    }
    expect(openOnnxSessions()).toBe(sessions);
    await classifier.dispose(); // twice is harmless
    expect(openOnnxSessions()).toBe(sessions);
  });

  it('1,000 digits classifications (tfjs) leave no tensors, and dispose() frees the model', async () => {
    const { tf } = await selectTfjsBackend();
    const before = tf.memory().numTensors;
    const digits = await pipeline('image-classification', 'digits');
    const images = await variants(DIGIT, [64, 120, 200]);
    try {
      expect(await leftOver(1000, (i) => digits(images[i % images.length]!))).toBe(0);
    } finally {
      await digits.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('detections (CenterNet, tfjs) and face analyses leave no tensors, and dispose() frees the models', async () => {
    const { tf } = await selectTfjsBackend();
    const before = tf.memory().numTensors;
    const detector = await pipeline('object-detection');
    const faces = await pipeline('face-analysis');
    const photos = [...(await variants(CAT, [160, 320])), ...(await variants(FACES, [320]))];
    try {
      // A leak is per call: 60 calls (0.3 s each) show one as surely as 1,000 (bench/leaks runs 1,000 with RSS).
      expect(await leftOver(60, (i) => detector(photos[i % photos.length]!))).toBe(0);
      expect(await leftOver(30, (i) => faces(photos[i % photos.length]!))).toBe(0);
    } finally {
      await detector.dispose();
      await faces.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
