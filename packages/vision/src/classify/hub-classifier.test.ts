import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { isDlError } from '@dlkit/core';
import { createClassifier } from './classifier.js';

// A tiny hand-set ONNX model in transformers.js's folder layout (scripts/make-hub-fixtures.py): it calls bright
// pictures 'light' and dark ones 'dark', and exists only to test the wiring through transformers.js.
const TINY = fileURLToPath(new URL('./fixtures/tiny-vit', import.meta.url));
const solid = (colour: string) => sharp({ create: { width: 50, height: 40, channels: 3, background: colour } }).png().toBuffer();

describe('transformers.js models (tiny hand-set fixture, wiring only)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('loads a folder in transformers.js layout and returns [{label, score}] through its own pre-processing', async () => {
    const classifier = await createClassifier({ model: TINY });
    try {
      const [light, dark, broken] = await classifier.classifyEach([await solid('#f0f0f0'), await solid('#101010'), Buffer.from('not an image')], { topk: 2 });
      expect(light).toMatchObject({ ok: true, value: [{ label: 'light' }, { label: 'dark' }] });
      expect(dark).toMatchObject({ ok: true, value: [{ label: 'dark' }, { label: 'light' }] });
      if (light?.ok) expect(light.value[0]!.score + light.value[1]!.score).toBeCloseTo(1);
      expect(broken?.ok === false && broken.error.code).toBe('INPUT_UNREADABLE');
    } finally {
      await classifier.dispose();
    }
  });

  it('offline, a hub id that is not cached is MODEL_OFFLINE naming `dl models pull`', async () => {
    process.env.DL_OFFLINE = '1';
    const error = await createClassifier({ model: 'Xenova/vit-base-patch16-224' }).catch((e: Error) => e);
    expect(isDlError(error, 'MODEL_OFFLINE')).toBe(true);
    expect((error as Error).message).toContain('dl models pull Xenova/vit-base-patch16-224 --task image-classification');
  });
});
