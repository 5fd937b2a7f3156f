import { DlError } from '@dlkit/core';

/** One face: where it is, its 68 landmarks, age, gender, expression and 128-d descriptor for matching. */
export interface Face {
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
  /** 68 points (x, y) in pixels of the original image, iBUG order (jaw, brows, nose, eyes, mouth). */
  landmarks: Array<[number, number]>;
  age: number;
  gender: 'male' | 'female';
  genderScore: number;
  /** The most likely expression, and all seven with their probabilities. */
  expression: string;
  expressions: Record<string, number>;
  descriptor: number[];
}

export interface FaceMatch {
  /** Euclidean distance between the two descriptors: under `threshold` is the same person. */
  distance: number;
  threshold: number;
  samePerson: boolean;
}

/**
 * The default detection score: on the tuning photos (bench/vision/FACES.md) people's faces score 0.99-1.00 and
 * the best non-face 0.41 (a dog); the held-out people's faces go down to 0.74. A cat scores 0.94: the animal
 * check, not the threshold, removes it.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

/** face-api's distance under which two descriptors are the same person (its FaceMatcher's default). */
export const FACE_MATCH_THRESHOLD = 0.6;

/** Whether two faces (of a face-analysis pipeline's results) are the same person, by their descriptors' distance. */
export function compareFaces(a: Pick<Face, 'descriptor'>, b: Pick<Face, 'descriptor'>, threshold = FACE_MATCH_THRESHOLD): FaceMatch {
  if (a.descriptor.length !== b.descriptor.length || a.descriptor.length === 0) {
    throw new DlError('INVALID_ARGUMENT', `compareFaces takes two faces' descriptors of the same length (got ${a.descriptor.length} and ${b.descriptor.length})`, {
      parameter: 'descriptor',
    });
  }
  let sum = 0;
  for (let i = 0; i < a.descriptor.length; i++) sum += (a.descriptor[i]! - b.descriptor[i]!) ** 2;
  const distance = Math.sqrt(sum);
  return { distance, threshold, samePerson: distance < threshold };
}
