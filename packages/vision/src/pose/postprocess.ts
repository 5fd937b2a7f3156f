import type { Detection } from '../detect/postprocess.js';
import { KEYPOINT_NAMES, type Keypoint, type Pose } from './keypoints.js';
import type { Crop } from './preprocess.js';

/**
 * A person whose mean keypoint score is under this is not answered when a call gives no `threshold`. People
 * measured: astronaut 0.50, person.jpg 0.44, the three of samples/faces.jpg 0.40, 0.30, 0.27 (upper bodies: hips
 * to ankles out of the picture score low). MoveNet on photos with no person (whole image): cat 0.07, coffee 0.14,
 * horses 0.16, dog.jpg 0.31. The person detector, not this, keeps those out; this drops what it boxes wrongly.
 */
export const DEFAULT_POSE_THRESHOLD = 0.2;

const round1 = (v: number) => Math.round(v * 10) / 10;
const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));

/**
 * MoveNet's 17 rows `[y, x, score]` (0-1 of the crop) as keypoints in pixels of the original width x height
 * image, in KEYPOINT_NAMES order; points the crop puts past the image's edge are held at the edge.
 */
export function decodeKeypoints(rows: ArrayLike<number>, crop: Crop, size: { width: number; height: number }): Keypoint[] {
  return KEYPOINT_NAMES.map((name, i) => ({
    name,
    x: round1(clamp(crop.x + rows[i * 3 + 1]! * crop.side, size.width)),
    y: round1(clamp(crop.y + rows[i * 3]! * crop.side, size.height)),
    score: rows[i * 3 + 2]!,
  }));
}

/**
 * One person from the model's rows: the score is the mean of the 17 keypoint scores (a skeleton guessed on a cat
 * or a chair has a few confident points at most), the box the detector's person box.
 */
export function decodePose(rows: ArrayLike<number>, crop: Crop, size: { width: number; height: number }, box: Detection['box']): Pose {
  const keypoints = decodeKeypoints(rows, crop, size);
  const score = keypoints.reduce((sum, k) => sum + k.score, 0) / keypoints.length;
  return { score, box, keypoints };
}

/** The people at or over `threshold`, best first, at most `maxPeople`. */
export function finishPoses(poses: readonly Pose[], threshold = DEFAULT_POSE_THRESHOLD, maxPeople = Number.POSITIVE_INFINITY): Pose[] {
  return poses.filter((p) => p.score >= threshold).sort((a, b) => b.score - a.score).slice(0, maxPeople);
}
