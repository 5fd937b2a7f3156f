import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDataFile } from '@dlkit/core/testing';
import { selectTfjsBackend } from '@dlkit/core';
import '../embedded.js';
import { decodeImage } from '../image/decode.js';
import { colourFor, drawDetections } from '../image/draw.js';
import { pipeline, type ObjectDetectionPipeline } from '../pipeline.js';
import { iou, SAME_BOX_IOU } from './postprocess.js';

// Real photos from the data mirror (DL_DATA_MIRROR: ../shared/data here), read in place.
const IMAGES = testDataFile('images');
const photo = (name: string) => join(IMAGES ?? '', name);

describe.skipIf(!IMAGES)('detect with the embedded CenterNet (real model, real photos)', () => {
  let detector: ObjectDetectionPipeline;
  beforeAll(async () => {
    detector = await pipeline('object-detection');
  });
  afterAll(() => detector.dispose());

  it('finds the dog and the bicycle in dog.jpg, in original-image pixels', async () => {
    const { width, height } = await decodeImage(photo('dog.jpg'));
    const found = await detector(photo('dog.jpg'));
    const labels = found.map((d) => d.label);
    expect(labels).toContain('dog');
    expect(labels).toContain('bicycle');
    expect(labels.filter((l) => l === 'bicycle')).toHaveLength(1); // duplicates suppressed
    for (const { box, score } of found) {
      expect(score).toBeGreaterThanOrEqual(0.3);
      expect(box.xmin).toBeGreaterThanOrEqual(0);
      expect(box.xmax).toBeLessThanOrEqual(width);
      expect(box.ymax).toBeLessThanOrEqual(height);
    }
    const dog = found.find((d) => d.label === 'dog')!;
    expect(dog.box.xmin).toBeLessThan(width / 2); // the dog sits bottom left in this photo
    expect(dog.box.ymax).toBeGreaterThan(height / 2);
  });

  it('finds at least two horses in horses.jpg and the person in person.jpg', async () => {
    const horses = await detector(photo('horses.jpg'), { classes: ['horse'] });
    expect(horses.length).toBeGreaterThanOrEqual(2);
    expect(horses.every((d) => d.label === 'horse')).toBe(true);
    const people = await detector(photo('person.jpg'));
    expect(people.map((d) => d.label)).toContain('person');
  });

  it('gives one box one label: car 56% / truck 32% on the same box in dog.jpg is the car alone', async () => {
    const found = await detector(photo('dog.jpg'));
    const labels = found.map((d) => d.label);
    expect(labels).toContain('car');
    expect(labels).not.toContain('truck');
    for (const [i, a] of found.entries()) {
      for (const b of found.slice(i + 1)) if (a.label !== b.label) expect(iou(a.box, b.box)).toBeLessThanOrEqual(SAME_BOX_IOU);
    }
    // Chelsea (a cat) comes with dog, bed, person and cat on one box at 20%: one box, one label, whichever it is.
    expect(await detector(photo('chelsea.png'), { threshold: 0.2 })).toHaveLength(1);
    // Agnostic: no two kept boxes overlap more than --iou (0.5), whatever their labels.
    const agnostic = await detector(photo('dog.jpg'), { agnostic: true, threshold: 0.1 });
    for (const [i, a] of agnostic.entries()) for (const b of agnostic.slice(i + 1)) expect(iou(a.box, b.box)).toBeLessThanOrEqual(0.5);
  });

  it('matches classes in any case, and refuses an unknown class before reading any image', async () => {
    const dogs = await detector(photo('dog.jpg'), { classes: ['DOG', 'Bicycle'] });
    expect(new Set(dogs.map((d) => d.label))).toEqual(new Set(['dog', 'bicycle']));
    await expect(detector.each([photo('missing.jpg')], { classes: ['persn'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: "unknown class 'persn' (did you mean 'person'?)",
    });
  });

  it('leaks no tensors, and fails a bad input alone', async () => {
    const { tf } = await selectTfjsBackend();
    const before = tf.memory().numTensors;
    const results = await detector.each([photo('dog.jpg'), photo('missing.jpg'), Buffer.from('not an image')]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'INPUT_NOT_FOUND', 'INPUT_UNREADABLE']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws labelled, colour-per-class boxes that can be read back', async () => {
    // The boxes are in pixels of the upright image, which decodeImage gives for drawing on.
    const detections = await detector(photo('dog.jpg'));
    const image = await decodeImage(photo('dog.jpg'));
    const png = await drawDetections(image, detections, 'png');
    const back = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([back.info.width, back.info.height]).toEqual([image.width, image.height]);
    const dog = detections.find((d) => d.label === 'dog')!;
    const colour = colourFor('dog');
    const expected = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
    // The middle of the box's left edge is painted in the dog's colour.
    const y = Math.round((dog.box.ymin + dog.box.ymax) / 2);
    const at = (y * back.info.width + dog.box.xmin) * back.info.channels;
    expect(Array.from(back.data.subarray(at, at + 3))).toEqual(expected);
  });
});
