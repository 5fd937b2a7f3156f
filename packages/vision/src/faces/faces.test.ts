import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '@dlkit/core';
import '../embedded.js';
import { createFaceAnalyzer, type Face, type FaceAnalyzer } from './faces.js';

// samples/faces.jpg: @vladmandic/face-api's demo photo sample1.jpg (MIT), three people.
const PHOTO = fileURLToPath(new URL('../../samples/faces.jpg', import.meta.url));

describe('faces with the embedded face-api models (real models, real photo)', () => {
  let analyzer: FaceAnalyzer;
  let faces: Face[];
  beforeAll(async () => {
    analyzer = await createFaceAnalyzer();
    faces = await analyzer.analyze(PHOTO);
  });
  afterAll(() => analyzer.dispose());

  it('finds the three faces with landmarks inside their boxes, age, gender, expression and a descriptor', async () => {
    const { width, height } = await sharp(PHOTO).metadata();
    expect(faces).toHaveLength(3);
    for (const face of faces) {
      expect(face.score).toBeGreaterThan(0.5);
      expect(face.box.xmax).toBeLessThanOrEqual(width!);
      expect(face.box.ymax).toBeLessThanOrEqual(height!);
      expect(face.landmarks).toHaveLength(68);
      const inside = face.landmarks.filter(([x, y]) => x >= face.box.xmin - 5 && x <= face.box.xmax + 5 && y >= face.box.ymin - 5 && y <= face.box.ymax + 5);
      expect(inside.length).toBeGreaterThan(60);
      expect(face.age).toBeGreaterThan(10);
      expect(face.age).toBeLessThan(80);
      expect(['male', 'female']).toContain(face.gender);
      expect(Object.keys(face.expressions)).toEqual(expect.arrayContaining(['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised']));
      expect(face.descriptor).toHaveLength(128);
    }
  });

  it('matches a face in a smaller, re-compressed copy of the photo and tells different people apart', async () => {
    const copy = await sharp(PHOTO).resize({ width: Math.round(((await sharp(PHOTO).metadata()).width ?? 800) * 0.7) }).jpeg({ quality: 70 }).toBuffer();
    const again = await analyzer.analyze(copy);
    expect(again).toHaveLength(3);
    for (const face of faces) {
      const distances = again.map((other) => analyzer.compare(face, other).distance).sort((a, b) => a - b);
      expect(distances[0]).toBeLessThan(0.4); // itself
      expect(analyzer.compare(face, again.find((o) => analyzer.compare(face, o).distance === distances[0])!).samePerson).toBe(true);
    }
    const [a, b] = faces;
    expect(analyzer.compare(a!, b!).samePerson).toBe(false);
  });

  it('finds no face on a blank page, fails a bad input alone and leaks no tensors', async () => {
    const { tf } = await selectTfjsBackend();
    const before = tf.memory().numTensors;
    const blank = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#e0e0e0' } }).png().toBuffer();
    const results = await analyzer.analyzeEach([blank, Buffer.from('no image'), PHOTO]);
    expect(results.map((r) => (r.ok ? r.value.length : r.error.code))).toEqual([0, 'INPUT_UNREADABLE', 3]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
