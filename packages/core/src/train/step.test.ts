import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../backend/tfjs.js';
import { buildArchitecture } from './architectures.js';
import { subset } from './data/dataset.js';
import { fit } from './fit.js';
import { DIGITS_DIR, realDigits } from './real-digits.test-helpers.js';

// The sha256 of the weights below as fit trained them before its per-step reads became asynchronous (69a55e9, wasm,
// twice): reading the loss and the hits with data() instead of dataSync() must not move a bit.
const WEIGHTS_SHA256 = '4dc0522e19cbb35ecc2c3ff9652cc8b9a56bdf520a39fba83780e756df53c4a1';

describe.skipIf(!DIGITS_DIR)('fit reads each step back without changing what it trains', () => {
  it('one epoch of cnn-small (dropout, seed 7) on 384 real digits ends at the same weights bit for bit (wasm)', async () => {
    await selectTfjsBackend('wasm');
    const digits = await realDigits();
    // Every 26th digit: all ten classes (the set is ordered by class).
    const train = subset(digits, Array.from({ length: 384 }, (_, i) => i * 26));
    const model = await buildArchitecture('cnn-small', { inputShape: [28, 28, 1], classes: 10, seed: 7 });
    await fit(model, train, { epochs: 1, batchSize: 64, seed: 7, optimizer: { name: 'adam', learningRate: 1e-3 } });
    const hash = createHash('sha256');
    for (const w of model.weights) hash.update(new Uint8Array(((await w.read().data()) as Float32Array).buffer));
    model.dispose();
    expect(hash.digest('hex')).toBe(WEIGHTS_SHA256);
  });
});
