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

/** The k most probable labels, most probable first. */
export function topK(probabilities: ArrayLike<number>, labels: readonly string[], k: number): Classification[] {
  const order = Array.from({ length: probabilities.length }, (_, i) => i);
  order.sort((a, b) => probabilities[b]! - probabilities[a]!);
  return order.slice(0, Math.min(k, order.length)).map((i) => ({ label: labels[i] ?? String(i), score: probabilities[i]! }));
}
