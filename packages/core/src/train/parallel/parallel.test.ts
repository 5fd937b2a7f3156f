import { beforeAll, describe, expect, it } from 'vitest';
// The worker threads run the built package (`pnpm test` builds first), so this test uses it too: one tfjs
// instance on each side, as users get.
import * as core from '../../../dist/index.js';
import { DIGITS_DIR, realDigits } from '../real-digits.test-helpers.js';

let train: core.Dataset;

beforeAll(async () => {
  await core.selectTfjsBackend('wasm');
  if (DIGITS_DIR === undefined) return;
  const digits = await realDigits();
  ({ validation: train } = core.splitDataset(digits, { validation: 0.05, seed: 4 }));
});

async function run(workers: number, dropout: number) {
  const model = await core.buildArchitecture('cnn-small', { inputShape: [28, 28, 1], classes: 10, seed: 2, dropout });
  const result = await core.fit(model, train, { epochs: 1, batchSize: 64, seed: 2, workers, optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.9 } });
  const weights = await Promise.all(model.getWeights().map(async (w) => Array.from(await w.data())));
  model.dispose();
  return { result, weights };
}

describe.skipIf(!DIGITS_DIR)('data-parallel fit over worker threads (real digits)', () => {
  it('two workers compute the same update as one: gradients of shards averaged by size', async () => {
    const one = await run(1, 0);
    const two = await run(2, 0);
    expect(two.result.history[0]!.loss).toBeCloseTo(one.result.history[0]!.loss, 4);
    let worst = 0;
    one.weights.forEach((w, i) => w.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - two.weights[i]![j]!)))));
    expect(worst).toBeLessThan(1e-3); // float summation order differs, nothing else
  });

  it('is deterministic for a given number of workers, dropout included', async () => {
    const a = await run(2, 0.4);
    const b = await run(2, 0.4);
    expect(b.weights).toEqual(a.weights);
  });
});
