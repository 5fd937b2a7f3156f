import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pipeline } from '../pipeline.js';

// A tiny hand-set ONNX model with DETR's outputs in transformers.js's layout (scripts/make-hub-fixtures.py): a
// 'square' in the middle half of any bright picture, nothing in a dark one. Wiring only.
const TINY = fileURLToPath(new URL('./fixtures/tiny-detr', import.meta.url));
const solid = (colour: string, width: number, height: number) => sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();

describe('transformers.js detectors (tiny hand-set fixture, wiring only)', () => {
  it('runs a DETR-layout folder and returns boxes in pixels of the original image', async () => {
    const detect = await pipeline('object-detection', TINY);
    try {
      const [bright] = await detect.each([await solid('#ffffff', 400, 200)]);
      const found = bright!.ok ? bright!.value : [];
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ label: 'square', box: { xmin: 100, ymin: 50, xmax: 300, ymax: 150 } });
      expect(await detect(await solid('#000000', 100, 100))).toEqual([]);
      // The labels come from the folder's config.json (id2label), and classes are checked against them.
      expect(await detect(await solid('#ffffff', 100, 100), { classes: ['Circle'] })).toEqual([]);
      await expect(detect(await solid('#ffffff', 100, 100), { classes: ['sqare'] })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        parameter: 'classes',
        message: "unknown class 'sqare' (did you mean 'square'?)",
        hint: { kind: 'did-you-mean', value: 'square' },
      });
    } finally {
      await detect.dispose();
    }
    await expect(detect(await solid('#ffffff', 100, 100))).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
