import { describe, expect, it } from 'vitest';
import { KEYPOINT_NAMES } from './keypoints.js';
import { decodePose, finishPoses } from './postprocess.js';
import { cropAround } from './preprocess.js';

/** MoveNet's rows for 17 keypoints, every one at (y, x) of the crop with `score`. */
const rows = (y: number, x: number, score: number) => KEYPOINT_NAMES.flatMap(() => [y, x, score]);

describe('pose post-processing (hand-set rows: wiring)', () => {
  it('maps crop-relative keypoints to image pixels through the square crop around the box, held inside the image', () => {
    const box = { xmin: 100, ymin: 50, xmax: 200, ymax: 250 }; // 100 x 200: a 250-pixel square crop at (25, 25)
    const crop = cropAround(box);
    expect(crop).toEqual({ x: 25, y: 25, side: 250 });
    const pose = decodePose(rows(0.5, 0.2, 0.8), crop, { width: 400, height: 300 }, box);
    expect(pose.keypoints[0]).toEqual({ name: 'nose', x: 75, y: 150, score: 0.8 });
    expect(pose.score).toBeCloseTo(0.8);
    expect(pose.box).toBe(box);
    const edge = decodePose(rows(1.2, -0.5, 0.8), crop, { width: 400, height: 300 }, box);
    expect(edge.keypoints[0]).toMatchObject({ x: 0, y: 300 });
  });

  it('scores a person by the mean keypoint score and drops those under the threshold, best first, capped', () => {
    const box = { xmin: 0, ymin: 0, xmax: 10, ymax: 10 };
    const crop = cropAround(box);
    const poses = [0.1, 0.6, 0.4].map((s) => decodePose(rows(0.5, 0.5, s), crop, { width: 10, height: 10 }, box));
    expect(finishPoses(poses).map((p) => p.score.toFixed(1))).toEqual(['0.6', '0.4']);
    expect(finishPoses(poses, 0, 1).map((p) => p.score.toFixed(1))).toEqual(['0.6']);
  });
});
