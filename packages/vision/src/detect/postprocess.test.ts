import { describe, expect, it } from 'vitest';
import { decodeDetections, finishDetections, iou, nonMaxSuppression, SAME_BOX_IOU } from './postprocess.js';

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

  it('suppresses overlapping boxes within a class at --iou, and across classes only where they share one box', () => {
    const box = { xmin: 0, ymin: 0, xmax: 10, ymax: 10 };
    const shifted = { xmin: 1, ymin: 0, xmax: 11, ymax: 10 }; // IoU 0.82 with box: the same object
    const beside = { xmin: 4, ymin: 0, xmax: 14, ymax: 10 }; // IoU 0.43 with box: a neighbour
    expect(iou(box, shifted)).toBeCloseTo(90 / 110);
    expect(iou(box, beside)).toBeCloseTo(60 / 140);
    const kept = nonMaxSuppression(
      [
        { label: 'bicycle', score: 0.5, box: shifted },
        { label: 'bicycle', score: 0.6, box },
        { label: 'dog', score: 0.4, box: beside },
      ],
      0.5,
    );
    expect(kept.map((d) => `${d.label} ${d.score}`)).toEqual(['bicycle 0.6', 'dog 0.4']);
    // One box, two labels (CenterNet's car 56% / truck 32% on dog.jpg): the better label alone, in any order.
    const car = { label: 'car', score: 0.56, box };
    const truck = { label: 'truck', score: 0.32, box: shifted };
    expect(nonMaxSuppression([truck, car], 0.5)).toEqual([car]);
    expect(SAME_BOX_IOU).toBe(0.7);
    // Across classes never more eagerly than within one: --iou 0.9 keeps both at IoU 0.82.
    expect(nonMaxSuppression([truck, car], 0.9)).toHaveLength(2);
  });

  it('agnostic: every label in one pool at --iou', () => {
    const box = { xmin: 0, ymin: 0, xmax: 10, ymax: 10 };
    const beside = { xmin: 4, ymin: 0, xmax: 14, ymax: 10 };
    const found = [
      { label: 'cow', score: 0.3, box: { xmin: 2, ymin: 0, xmax: 12, ymax: 10 } }, // IoU 0.67 with box
      { label: 'horse', score: 0.6, box },
      { label: 'sheep', score: 0.5, box: beside },
    ];
    expect(nonMaxSuppression(found, 0.5).map((d) => d.label)).toEqual(['horse', 'sheep', 'cow']);
    expect(nonMaxSuppression(found, 0.5, { agnostic: true }).map((d) => d.label)).toEqual(['horse', 'sheep']);
    expect(nonMaxSuppression(found, 0.4, { agnostic: true }).map((d) => d.label)).toEqual(['horse']);
    // Every detector's finishing step passes the option on.
    expect(finishDetections(found, 100, 100, { iou: 0.4, agnostic: true }).map((d) => d.label)).toEqual(['horse']);
    expect(finishDetections(found, 100, 100, { iou: 0.4 }).map((d) => d.label)).toEqual(['horse', 'sheep', 'cow']);
  });
});
