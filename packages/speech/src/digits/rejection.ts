import { UNKNOWN_LABEL } from './features.js';

/**
 * Below this probability the best digit is not trusted and the segment is answered as not a digit: more likely
 * not that digit than that digit. Set before any measurement, not tuned on the figures reported in bench/.
 */
export const MIN_DIGIT_SCORE = 0.5;

/**
 * The recogniser's answer for one segment from the model's probabilities over `labels`: the best digit and its
 * probability, or `text: ''` when the model says "unknown" or is not sure enough of any digit. The score is
 * always the model's confidence in the answer given: the digit's probability, or for '' the probability that the
 * segment is not that digit (1 - the best digit's probability), which is at least the "unknown" probability.
 */
export function readDigit(probabilities: ArrayLike<number>, labels: readonly string[], minScore = MIN_DIGIT_SCORE): { text: string; score: number } {
  let best = -1;
  for (let k = 0; k < labels.length; k++) {
    if (labels[k] !== UNKNOWN_LABEL && (best < 0 || probabilities[k]! > probabilities[best]!)) best = k;
  }
  const unknown = labels.indexOf(UNKNOWN_LABEL);
  const digitScore = probabilities[best]!;
  if (digitScore < minScore || (unknown >= 0 && probabilities[unknown]! > digitScore)) return { text: '', score: 1 - digitScore };
  return { text: labels[best]!, score: digitScore };
}
