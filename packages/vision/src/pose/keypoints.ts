/** The 17 COCO keypoints, in MoveNet's output order. */
export const KEYPOINT_NAMES = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
] as const;

export type KeypointName = (typeof KEYPOINT_NAMES)[number];

/** One body point in pixels of the upright input image; `score` is the model's confidence that it is there. */
export interface Keypoint {
  name: KeypointName;
  x: number;
  y: number;
  score: number;
}

/** One person: the mean keypoint score, the box around the person and the 17 keypoints (all kept, weak ones too). */
export interface Pose {
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
  keypoints: Keypoint[];
}

/** The limbs drawn between keypoints (COCO's skeleton, by name so the pairs read as a body). */
export const SKELETON: ReadonlyArray<readonly [KeypointName, KeypointName]> = [
  ['left_ear', 'left_eye'],
  ['left_eye', 'nose'],
  ['nose', 'right_eye'],
  ['right_eye', 'right_ear'],
  ['left_shoulder', 'right_shoulder'],
  ['left_shoulder', 'left_elbow'],
  ['left_elbow', 'left_wrist'],
  ['right_shoulder', 'right_elbow'],
  ['right_elbow', 'right_wrist'],
  ['left_shoulder', 'left_hip'],
  ['right_shoulder', 'right_hip'],
  ['left_hip', 'right_hip'],
  ['left_hip', 'left_knee'],
  ['left_knee', 'left_ankle'],
  ['right_hip', 'right_knee'],
  ['right_knee', 'right_ankle'],
];

/**
 * Below this a keypoint is kept in the answer (its score says how unsure) but not drawn: MoveNet's own demos use
 * 0.3 for the same purpose.
 */
export const DEFAULT_KEYPOINT_FLOOR = 0.3;
