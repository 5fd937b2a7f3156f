import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createDetector } from './detector.js';

// A tiny hand-set ONNX model with DETR's outputs in transformers.js's layout (scripts/make-hub-fixtures.py): a
// 'square' in the middle half of any bright picture, nothing in a dark one. Wiring only.
const TINY = fileURLToPath(new URL('./fixtures/tiny-detr', import.meta.url));
const solid = (colour: string, width: number, height: number) => sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();

describe('transformers.js detectors (tiny hand-set fixture, wiring only)', () => {
  it('runs a DETR-layout folder and returns boxes in pixels of the original image', async () => {
    const detector = await createDetector({ model: TINY });
    try {
      const [bright] = await detector.detectEach([await solid('#ffffff', 400, 200)]);
      expect(bright).toMatchObject({ ok: true, value: { width: 400, height: 200 } });
      const found = bright!.ok ? bright!.value.detections : [];
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ label: 'square', box: { xmin: 100, ymin: 50, xmax: 300, ymax: 150 } });
      expect(await detector.detect(await solid('#000000', 100, 100))).toEqual([]);
      expect(await detector.detect(await solid('#ffffff', 100, 100), { classes: ['Circle'] })).toEqual([]);
      // The labels come from the folder's config.json (id2label), and --classes is checked against them.
      expect(detector.labels).toEqual(['square', 'circle']);
      await expect(detector.detect(await solid('#ffffff', 100, 100), { classes: ['sqare'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: "unknown class 'sqare' (did you mean 'square'?)" });
    } finally {
      await detector.dispose();
    }
  });
});
