import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../backend/tfjs.js';
import { buildArchitecture } from '../architectures.js';
import { fromArrays } from '../data/dataset.js';
import { fit } from '../fit.js';
import { progressBar } from './progress-bar.js';

function capture(isTTY: boolean) {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY, columns: 200 },
  );
  return { stream, text: () => text };
}

// Wiring only: a tiny random-weight MLP on random numbers; what is checked is what the bar prints.
const data = fromArrays({ features: Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i)]), labels: Array.from({ length: 64 }, (_, i) => i % 2) });

describe('progress bar (tiny random model, wiring only)', () => {
  it('redraws a bar with step, loss, rate and ETA on a TTY, then one line per epoch', async () => {
    await selectTfjsBackend('wasm');
    const out = capture(true);
    const model = await buildArchitecture('mlp', { inputShape: [2], classes: 2, hidden: [4] });
    await fit(model, data, { epochs: 2, batchSize: 4, validation: data, callbacks: [progressBar({ stream: out.stream })] });
    const text = out.text();
    expect(text).toMatch(/\repoch 1\/2 \[[=> ]{30}\] \d+\/16 loss \d\.\d{4} acc \d\.\d{4} [\d.]+ step\/s ETA \d\d:\d\d/);
    expect(text).toMatch(/epoch 2\/2 {2}loss [\d.]+ {2}accuracy [\d.]+ {2}val_loss [\d.]+ {2}val_accuracy [\d.]+ {2}lr 1\.00e-3 {2}[\d.]+s\n/);
    model.dispose();
  });

  it('prints only epoch lines when not a TTY, and nothing when off', async () => {
    const model = await buildArchitecture('mlp', { inputShape: [2], classes: 2, hidden: [4] });
    const lines = capture(false);
    const off = capture(true);
    await fit(model, data, { epochs: 2, batchSize: 4, callbacks: [progressBar({ stream: lines.stream }), { ...progressBar({ stream: off.stream, mode: 'off' }), name: 'off' }] });
    expect(lines.text()).not.toContain('\r');
    expect(lines.text().trim().split('\n')).toHaveLength(2);
    expect(off.text()).toBe('');
    model.dispose();
  });
});
