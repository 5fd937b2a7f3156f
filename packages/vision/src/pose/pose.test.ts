import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '@dlkit/core';
import { testDataFile } from '@dlkit/core/testing';
import '../embedded.js';
import { pipeline, type FaceAnalysisPipeline, type ObjectDetectionPipeline, type PoseEstimationPipeline } from '../pipeline.js';
import { KEYPOINT_NAMES, type Keypoint, type Pose } from './keypoints.js';
import { DEFAULT_POSE_THRESHOLD } from './postprocess.js';

// The skimage astronaut (Eileen Collins, NASA, public domain; see fixtures/SOURCE.md), 512 x 512.
const ASTRONAUT = fileURLToPath(new URL('fixtures/astronaut.jpg', import.meta.url));
// @vladmandic/face-api's demo photo (MIT), shipped as a sample: three people, waist up.
const GROUP = fileURLToPath(new URL('../../samples/faces.jpg', import.meta.url));
// Real photos from the data mirror (DL_DATA_MIRROR: ../shared/data here), read in place.
const PERSON = testDataFile('images/person.jpg');
const CAT = testDataFile('images/chelsea.png');

type Box = Pose['box'];
const inside = ({ x, y }: Keypoint, box: Box) => x >= box.xmin && x <= box.xmax && y >= box.ymin && y <= box.ymax;
const point = (pose: Pose, name: Keypoint['name']) => pose.keypoints.find((k) => k.name === name)!;

describe('pose estimation with the embedded MoveNet Lightning on CenterNet person boxes (real models)', () => {
  let pose: PoseEstimationPipeline;
  beforeAll(async () => {
    pose = await pipeline('pose-estimation');
  });
  afterAll(() => pose.dispose());

  it("puts the astronaut's nose and eyes inside her face box (face-analysis) and her shoulders in the detector's person box, below the face", async () => {
    const faces: FaceAnalysisPipeline = await pipeline('face-analysis');
    const detect: ObjectDetectionPipeline = await pipeline('object-detection');
    try {
      const [face] = await faces(ASTRONAUT);
      const [person] = await detect(ASTRONAUT, { classes: ['person'] });
      const people = await pose(ASTRONAUT);
      expect(people).toHaveLength(1);
      const [her] = people as [Pose];
      expect(her.score).toBeGreaterThanOrEqual(DEFAULT_POSE_THRESHOLD);
      expect(her.box).toEqual(person!.box);
      for (const name of ['nose', 'left_eye', 'right_eye'] as const) {
        expect(point(her, name).score, name).toBeGreaterThan(0.5);
        expect(inside(point(her, name), face!.box), `${name} in the face box ${JSON.stringify(face!.box)}`).toBe(true);
      }
      for (const name of ['left_shoulder', 'right_shoulder'] as const) {
        expect(point(her, name).score, name).toBeGreaterThan(0.5);
        expect(inside(point(her, name), person!.box), name).toBe(true);
        expect(point(her, name).y, `${name} below the face`).toBeGreaterThan(face!.box.ymax);
      }
      // She faces the camera: her left shoulder is on the picture's right.
      expect(point(her, 'left_shoulder').x).toBeGreaterThan(point(her, 'right_shoulder').x);
    } finally {
      await faces.dispose();
      await detect.dispose();
    }
  });

  it.skipIf(!PERSON)('answers the one person of person.jpg with all 17 named keypoints, standing: head over hips over ankles', async () => {
    const [her, ...others] = await pose(PERSON!);
    expect(others).toEqual([]);
    expect(her!.keypoints.map((k) => k.name)).toEqual([...KEYPOINT_NAMES]);
    expect(her!.keypoints.filter((k) => inside(k, her!.box)).length).toBeGreaterThanOrEqual(15);
    const y = (name: Keypoint['name']) => point(her!, name).y;
    expect(y('left_shoulder')).toBeLessThan(y('left_hip'));
    expect(y('left_hip')).toBeLessThan(y('left_knee'));
    expect(y('left_knee')).toBeLessThan(y('left_ankle'));
  });

  it('finds the three people of samples/faces.jpg (upper bodies, legs out of the picture), each nose inside its own person box', async () => {
    const people = await pose(GROUP);
    expect(people).toHaveLength(3);
    for (const p of people) expect(inside(point(p, 'nose'), p.box)).toBe(true);
    expect(people.map((p) => p.score)).toEqual([...people.map((p) => p.score)].sort((a, b) => b - a)); // best first
    expect(await pose(GROUP, { maxPeople: 1 })).toHaveLength(1);
  });

  it.skipIf(!CAT)('gives the cat of chelsea.png no person, even with threshold 0: no person box, so no skeleton is guessed', async () => {
    expect(await pose(CAT!, { threshold: 0 })).toEqual([]);
  });

  it('leaves no tensors behind over repeated calls, and dispose() frees both models (MoveNet and its CenterNet)', async () => {
    const { tf } = await selectTfjsBackend();
    await pose(ASTRONAUT);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await pose(ASTRONAUT);
    expect(tf.memory().numTensors).toBe(before);
    const other = await pipeline('pose-estimation');
    const loaded = tf.memory().numTensors;
    await other.dispose();
    expect(tf.memory().numTensors).toBeLessThan(loaded);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a maxPeople of 0 and an unreadable image with their codes', async () => {
    await expect(pose(ASTRONAUT, { maxPeople: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const [settled] = await pose.each([Buffer.from('not an image')]);
    expect(settled).toMatchObject({ ok: false, error: { code: 'INPUT_UNREADABLE' } });
  });
});
