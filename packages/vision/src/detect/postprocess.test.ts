import { describe, expect, it } from 'vitest';
import { decodeDetections, iou, nonMaxSuppression } from './postprocess.js';

const frame = { inputWidth: 512, inputHeight: 512, width: 1024, height: 256 };
const labels = ['person', 'bicycle', 'dog'];

describe('detection post-processing', () => {
  it('scales boxes to the original image, clips them, and filters by score and class', () => {
    const rows = [
      [10, 20, 100, 200, 0.9, 0],
      [-5, 0, 600, 100, 0.8, 2], // partly outside the input
      [0, 0, 50, 50, 0.1, 1], // below threshold
      [0, 0, 50, 50, 0.9, 7], // unknown class
      [50, 50, 50, 80, 0.9, 1], // empty box
    ].flat();
    const all = decodeDetections(rows, frame, labels);
    expect(all).toEqual([
      { label: 'person', score: 0.9, box: { xmin: 20, ymin: 10, xmax: 200, ymax: 100 } },
      { label: 'dog', score: 0.8, box: { xmin: 0, ymin: 0, xmax: 1024, ymax: 50 } },
    ]);
    expect(decodeDetections(rows, frame, labels, { classes: ['dog'] }).map((d) => d.label)).toEqual(['dog']);
    expect(decodeDetections(rows, frame, labels, { maxDetections: 1 })).toHaveLength(1);
    expect(decodeDetections(rows, frame, labels, { threshold: 0.05 })).toHaveLength(3);
  });

  it('suppresses overlapping boxes of the same class only', () => {
    const box = { xmin: 0, ymin: 0, xmax: 10, ymax: 10 };
    const shifted = { xmin: 1, ymin: 0, xmax: 11, ymax: 10 };
    expect(iou(box, shifted)).toBeCloseTo(90 / 110);
    const kept = nonMaxSuppression(
      [
        { label: 'bicycle', score: 0.5, box: shifted },
        { label: 'bicycle', score: 0.6, box },
        { label: 'dog', score: 0.4, box },
      ],
      0.5,
    );
    expect(kept.map((d) => `${d.label} ${d.score}`)).toEqual(['bicycle 0.6', 'dog 0.4']);
  });
});
