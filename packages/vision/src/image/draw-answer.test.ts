import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { KEYPOINT_NAMES, type Pose } from '../pose/keypoints.js';
import type { RgbImage } from './decode.js';
import { drawAnswer } from './draw-answer.js';

/** A plain grey 200 x 200 image: a drawn pixel is any that is not grey. */
const GREY: RgbImage = { data: Buffer.alloc(200 * 200 * 3, 128), width: 200, height: 200 };
const box = { xmin: 20, ymin: 20, xmax: 180, ymax: 180 };

/** A hand-set person: the shoulders confident at (60, 60) and (140, 60), the left hip under the floor. */
function handSetPose(): Pose {
  const keypoints = KEYPOINT_NAMES.map((name) => ({ name, x: 100, y: 100, score: 0.1 }));
  const set = (name: string, x: number, y: number, score: number) => Object.assign(keypoints.find((k) => k.name === name)!, { x, y, score });
  set('left_shoulder', 140, 60, 0.9);
  set('right_shoulder', 60, 60, 0.9);
  set('left_hip', 140, 160, 0.1);
  return { score: 0.5, box, keypoints };
}

async function drawnAt(value: unknown, points: ReadonlyArray<readonly [number, number]>): Promise<boolean[]> {
  const { data, info } = await sharp(await drawAnswer(GREY, value, 'png')).raw().toBuffer({ resolveWithObject: true });
  return points.map(([x, y]) => {
    const at = (y * info.width + x) * info.channels;
    return [0, 1, 2].some((c) => Math.abs(data[at + c]! - 128) > 40);
  });
}

describe('drawAnswer (hand-set answers on a grey image: wiring)', () => {
  it('draws a pose: the limb between two keypoints over the floor, not the one to a keypoint under it', async () => {
    // Mid-shoulders (drawn), halfway down the left flank to the weak hip (not drawn).
    expect(await drawnAt([handSetPose()], [[100, 60], [140, 110]])).toEqual([true, false]);
  });

  it('draws detections and {faces} as boxes, and an empty answer as the image unchanged', async () => {
    expect(await drawnAt([{ label: 'dog', score: 0.9, box }], [[20, 100], [100, 100]])).toEqual([true, false]);
    expect(await drawnAt({ faces: [{ score: 0.9, box, landmarks: [] }] }, [[20, 100], [100, 100]])).toEqual([true, false]);
    expect(await drawnAt([], [[20, 100], [100, 100]])).toEqual([false, false]);
  });
});
