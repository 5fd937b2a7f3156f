import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../embedded.js';
import { pipeline, type PoseEstimationPipeline } from '../pipeline.js';
import type { Pose } from './keypoints.js';

// Hostile images for pose estimation on the real CenterNet + MoveNet Lightning, generated from the committed
// astronaut (fixtures/astronaut.jpg, 512 x 512, one person).
const ASTRONAUT = fileURLToPath(new URL('fixtures/astronaut.jpg', import.meta.url));

/** Every number finite, every keypoint and box inside the width x height image, scores in 0-1. */
function expectSane(poses: Pose[], width: number, height: number): void {
  for (const pose of poses) {
    expect(Number.isFinite(pose.score) && pose.score >= 0 && pose.score <= 1, JSON.stringify(pose)).toBe(true);
    const { xmin, ymin, xmax, ymax } = pose.box;
    expect([xmin, ymin, xmax, ymax].every(Number.isFinite) && xmin >= 0 && ymin >= 0 && xmax <= width && ymax <= height, JSON.stringify(pose.box)).toBe(true);
    expect(pose.keypoints).toHaveLength(17);
    for (const k of pose.keypoints) {
      const ok = Number.isFinite(k.x) && Number.isFinite(k.y) && Number.isFinite(k.score) && k.x >= 0 && k.x <= width && k.y >= 0 && k.y <= height && k.score >= 0 && k.score <= 1;
      expect(ok, JSON.stringify(k)).toBe(true);
    }
  }
}

describe('pose estimation on hostile images (real CenterNet + MoveNet)', () => {
  let pose: PoseEstimationPipeline;
  beforeAll(async () => {
    pose = await pipeline('pose-estimation');
  });
  afterAll(() => pose?.dispose());

  it('1x1, 2x2, 1x4000 and 4000x1 images answer without error, every number finite and inside the image', async () => {
    for (const [width, height] of [[1, 1], [2, 2], [1, 4000], [4000, 1]] as const) {
      const image = await sharp({ create: { width, height, channels: 3, background: '#7f7f7f' } }).png().toBuffer();
      const poses = await pose(image);
      expectSane(poses, width, height);
    }
  });

  it('the astronaut squeezed to 64 x 4000 and stretched to 4000 x 64: finite keypoints inside the image', async () => {
    for (const [width, height] of [[64, 4000], [4000, 64]] as const) {
      const image = await sharp(ASTRONAUT).resize({ width, height, fit: 'fill' }).png().toBuffer();
      expectSane(await pose(image), width, height);
    }
  });

  it('grey astronaut: still one person, sane', async () => {
    const grey = await sharp(ASTRONAUT).grayscale().png().toBuffer();
    const poses = await pose(grey);
    expect(poses).toHaveLength(1);
    expectSane(poses, 512, 512);
  });

  it('a person cut by the image edge (her right half only, and her top half only): the square crop reaches outside the image, keypoints are held inside it', async () => {
    for (const region of [{ left: 256, top: 0, width: 256, height: 512 }, { left: 0, top: 0, width: 512, height: 200 }]) {
      const cut = await sharp(ASTRONAUT).extract(region).png().toBuffer();
      expectSane(await pose(cut), region.width, region.height);
    }
  });

  /** n x n copies of the astronaut, each `side` px, in one image. */
  const crowd = async (n: number, side: number) => {
    const tile = await sharp(ASTRONAUT).resize(side).toBuffer();
    const composite = Array.from({ length: n * n }, (_, i) => ({ input: tile, left: (i % n) * side, top: Math.floor(i / n) * side }));
    return sharp({ create: { width: n * side, height: n * side, channels: 3, background: '#000000' } }).composite(composite).jpeg().toBuffer();
  };

  it('2 x 2 astronauts: 3 or 4 of them found, maxPeople 3 answers the best 3 and maxPeople 1 one, each sane', async () => {
    const four = await crowd(2, 512);
    const all = await pose(four);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.length).toBeLessThanOrEqual(4);
    expectSane(all, 1024, 1024);
    expect(await pose(four, { maxPeople: 3 })).toHaveLength(3);
    expect(await pose(four, { maxPeople: 1 })).toHaveLength(1);
  });

  it('8 x 8 astronauts of 512 px in one 4096 x 4096 image: at most maxPeople (10 by default, 100 when asked) answered, each sane', async () => {
    const image = await crowd(8, 512);
    for (const maxPeople of [undefined, 100]) {
      const poses = await pose(image, maxPeople === undefined ? {} : { maxPeople });
      expect(poses.length).toBeLessThanOrEqual(maxPeople ?? 10);
      expectSane(poses, 4096, 4096);
    }
  });
});
