/** One prediction, in the shape of Hugging Face's image-classification pipeline. */
export interface Classification {
  label: string;
  score: number;
}

/** Softmax over logits, in float64 and shifted by the max so large logits cannot overflow. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/**
 * The k most probable labels, most probable first; of equal scores, the lower index first. One pass that keeps the
 * k best so far in order: sorting all 1,000 ImageNet scores to keep 5 took ~0.3 ms a call.
 */
export function topK(probabilities: ArrayLike<number>, labels: readonly string[], k: number): Classification[] {
  const n = Math.min(k, probabilities.length);
  const best: number[] = [];
  for (let i = 0; i < probabilities.length; i++) {
    const score = probabilities[i]!;
    if (best.length === n && !(score > probabilities[best[n - 1]!]!)) continue;
    // Shift the weaker ones down one place (the last falls off once k are kept) and put i in the gap.
    let j = Math.min(best.length, n - 1);
    for (; j > 0 && probabilities[best[j - 1]!]! < score; j--) best[j] = best[j - 1]!;
    best[j] = i;
  }
  return best.map((i) => ({ label: labels[i] ?? String(i), score: probabilities[i]! }));
}
