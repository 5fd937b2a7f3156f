import type { z } from 'zod';
import type { detectionCallOptions } from '../tasks.js';

/** One detection, in the shape of Hugging Face's object-detection pipeline: pixels of the original image. */
export interface Detection {
  label: string;
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
}

/** The lowest score kept when a call gives no `threshold`. */
export const DEFAULT_DETECTION_THRESHOLD = 0.3;

/** A detection call's options (see `detectionCallOptions` in tasks.ts), with `classes` in the model's spelling. */
type DetectOptions = z.infer<typeof detectionCallOptions>;

export function iou(a: Detection['box'], b: Detection['box']): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (r: Detection['box']) => (r.xmax - r.xmin) * (r.ymax - r.ymin);
  return inter / (area(a) + area(b) - inter);
}

/**
 * Overlap above which two boxes of different labels are one object seen twice: CenterNet scores every class at
 * each centre, so a car and a truck (or a cat and a dog) often come with the very same box, and one object must
 * not get two contradicting labels. Below it, a dog beside a bicycle keeps both boxes.
 */
export const SAME_BOX_IOU = 0.7;

/**
 * Greedy non-maximum suppression, best score first. Within a class a box hides weaker ones overlapping it more
 * than `threshold`; across classes only more than max(threshold, SAME_BOX_IOU), never more eagerly than within
 * one, unless `agnostic` makes every label one pool at `threshold`.
 */
export function nonMaxSuppression(detections: Detection[], threshold: number, options: { agnostic?: boolean } = {}): Detection[] {
  const across = options.agnostic ? threshold : Math.max(threshold, SAME_BOX_IOU);
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (!kept.some((k) => iou(k.box, d.box) > (k.label === d.label ? threshold : across))) kept.push(d);
  }
  return kept;
}

/** A box clipped to a width x height image, in whole pixels. */
export function clipBox(box: Detection['box'], width: number, height: number): Detection['box'] {
  const clip = (v: number, max: number) => Math.round(Math.min(max, Math.max(0, v)));
  return { xmin: clip(box.xmin, width), ymin: clip(box.ymin, height), xmax: clip(box.xmax, width), ymax: clip(box.ymax, height) };
}

/**
 * What every detector does with its raw boxes (pixels of the original width x height image): threshold, class
 * filter (names already resolved to the model's spelling), clipping to the image, dropping empty boxes, NMS (one
 * label per box) and the cap on count.
 */
export function finishDetections(candidates: readonly Detection[], width: number, height: number, options: DetectOptions = {}): Detection[] {
  const threshold = options.threshold ?? DEFAULT_DETECTION_THRESHOLD;
  const wanted = options.classes ? new Set(options.classes) : undefined;
  const kept: Detection[] = [];
  for (const { label, score, box } of candidates) {
    if (!(score >= threshold) || (wanted && !wanted.has(label))) continue;
    const clipped = clipBox(box, width, height);
    if (clipped.xmax <= clipped.xmin || clipped.ymax <= clipped.ymin) continue;
    kept.push({ label, score, box: clipped });
  }
  return nonMaxSuppression(kept, options.iou ?? 0.5, { agnostic: options.agnostic ?? false }).slice(0, options.maxDetections ?? 100);
}

/** CenterNet's rows `[x1, y1, x2, y2, score, class]` (pixels of its square input) to detections in the original image's pixels. */
export function decodeDetections(
  rows: ArrayLike<number>,
  frame: { inputWidth: number; inputHeight: number; width: number; height: number },
  labels: readonly string[],
  options: DetectOptions = {},
): Detection[] {
  const sx = frame.width / frame.inputWidth;
  const sy = frame.height / frame.inputHeight;
  const candidates: Detection[] = [];
  for (let i = 0; i + 6 <= rows.length; i += 6) {
    const cls = rows[i + 5]!;
    const label = Number.isInteger(cls) ? labels[cls] : undefined;
    if (label === undefined) continue;
    const box = { xmin: rows[i]! * sx, ymin: rows[i + 1]! * sy, xmax: rows[i + 2]! * sx, ymax: rows[i + 3]! * sy };
    candidates.push({ label, score: rows[i + 4]!, box });
  }
  return finishDetections(candidates, frame.width, frame.height, options);
}
