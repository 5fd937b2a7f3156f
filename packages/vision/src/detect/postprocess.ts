/** One detection, in the shape of Hugging Face's object-detection pipeline: pixels of the original image. */
export interface Detection {
  label: string;
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
}

export interface DetectOptions {
  /** Lowest score kept (default 0.3). */
  threshold?: number;
  /** Boxes of one class overlapping more than this (IoU) with a better one are dropped (default 0.5). */
  iou?: number;
  /** Keep only these labels. */
  classes?: readonly string[];
  /** At most this many, best first (default 100). */
  maxDetections?: number;
}

export function iou(a: Detection['box'], b: Detection['box']): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (r: Detection['box']) => (r.xmax - r.xmin) * (r.ymax - r.ymin);
  return inter / (area(a) + area(b) - inter);
}

/** Greedy non-maximum suppression within each class (a dog box never hides a bicycle box). */
export function nonMaxSuppression(detections: Detection[], threshold: number): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (!kept.some((k) => k.label === d.label && iou(k.box, d.box) > threshold)) kept.push(d);
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
 * filter, clipping to the image, dropping empty boxes, NMS and the cap on count.
 */
export function finishDetections(candidates: readonly Detection[], width: number, height: number, options: DetectOptions = {}): Detection[] {
  const threshold = options.threshold ?? 0.3;
  const wanted = options.classes ? new Set(options.classes) : undefined;
  const kept: Detection[] = [];
  for (const { label, score, box } of candidates) {
    if (!(score >= threshold) || (wanted && !wanted.has(label))) continue;
    const clipped = clipBox(box, width, height);
    if (clipped.xmax <= clipped.xmin || clipped.ymax <= clipped.ymin) continue;
    kept.push({ label, score, box: clipped });
  }
  return nonMaxSuppression(kept, options.iou ?? 0.5).slice(0, options.maxDetections ?? 100);
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
