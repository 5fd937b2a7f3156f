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

/**
 * CenterNet's rows `[x1, y1, x2, y2, score, class]` (pixels of its square input) to detections in the original
 * image's pixels: threshold, class filter, NMS, clipping and the cap on count.
 */
export function decodeDetections(
  rows: ArrayLike<number>,
  frame: { inputWidth: number; inputHeight: number; width: number; height: number },
  labels: readonly string[],
  options: DetectOptions = {},
): Detection[] {
  const threshold = options.threshold ?? 0.3;
  const wanted = options.classes ? new Set(options.classes) : undefined;
  const sx = frame.width / frame.inputWidth;
  const sy = frame.height / frame.inputHeight;
  const clip = (v: number, max: number) => Math.round(Math.min(max, Math.max(0, v)));
  const found: Detection[] = [];
  for (let i = 0; i + 6 <= rows.length; i += 6) {
    const score = rows[i + 4]!;
    const cls = rows[i + 5]!;
    if (!(score >= threshold) || !Number.isInteger(cls)) continue;
    const label = labels[cls];
    if (label === undefined || (wanted && !wanted.has(label))) continue;
    const box = {
      xmin: clip(rows[i]! * sx, frame.width),
      ymin: clip(rows[i + 1]! * sy, frame.height),
      xmax: clip(rows[i + 2]! * sx, frame.width),
      ymax: clip(rows[i + 3]! * sy, frame.height),
    };
    if (box.xmax <= box.xmin || box.ymax <= box.ymin) continue;
    found.push({ label, score, box });
  }
  return nonMaxSuppression(found, options.iou ?? 0.5).slice(0, options.maxDetections ?? 100);
}
