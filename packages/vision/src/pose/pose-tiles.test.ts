import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../embedded.js';
import { astronautGrid } from '../detect/crowd.test-helpers.js';
import { pipeline, type PoseEstimationPipeline } from '../pipeline.js';

describe('pose estimation with tiled person boxes (real CenterNet + MoveNet, the committed astronaut)', () => {
  let pose: PoseEstimationPipeline;
  beforeAll(async () => {
    pose = await pipeline('pose-estimation');
  });
  afterAll(() => pose?.dispose());

  it("3 x 3 astronauts (1536 px): tiles 'auto' gives 9 people, each box inside the image", async () => {
    const poses = await pose(await astronautGrid(3), { tiles: 'auto' });
    expect(poses).toHaveLength(9);
    for (const { box, keypoints } of poses) {
      expect(box.xmin >= 0 && box.ymin >= 0 && box.xmax <= 1536 && box.ymax <= 1536).toBe(true);
      expect(keypoints).toHaveLength(17);
    }
  });

  it('8 x 8 astronauts (4096 px) tiled: more than the default 10 people when maxPeople 30 allows, never more than 30', async () => {
    const grid = await astronautGrid(8);
    const many = await pose(grid, { tiles: 'auto', maxPeople: 30 });
    expect(many.length).toBeGreaterThan(10);
    expect(many.length).toBeLessThanOrEqual(30);
  });
});
