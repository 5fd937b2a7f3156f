import { describe, expect, it } from 'vitest';
import { selectTfjsBackend } from '../../backend/tfjs.js';
import { clipGradients, createOptimizer, type OptimizerConfig } from './optimizers.js';

/** Runs `steps` updates of one 2x1 kernel and one bias on fixed gradients; returns their values after each. */
async function trace(config: OptimizerConfig, grads: number[][], start = [1, -2, 0.5]) {
  const { tf } = await selectTfjsBackend('wasm');
  const kernel = tf.variable(tf.tensor2d([start[0]!, start[1]!], [2, 1]));
  const bias = tf.variable(tf.tensor1d([start[2]!]));
  const optimizer = createOptimizer(tf, config);
  const out: number[][] = [];
  for (const g of grads) {
    const gk = tf.tensor2d([g[0]!, g[1]!], [2, 1]);
    const gb = tf.tensor1d([g[2]!]);
    optimizer.apply([kernel, bias], [gk, gb]);
    tf.dispose([gk, gb]);
    out.push([...kernel.dataSync(), ...bias.dataSync()]);
  }
  optimizer.dispose();
  tf.dispose([kernel, bias]);
  return out;
}

const G = [
  [0.5, -1, 2],
  [0.1, 0.3, -1],
  [-0.2, 0.2, 0.5],
];

describe('optimizers match their published update rules', () => {
  it('SGD with momentum (PyTorch form: v = m v + g; w -= lr v) and Nesterov', async () => {
    const lr = 0.1;
    const m = 0.9;
    let w = [1, -2, 0.5];
    let v = [0, 0, 0];
    const expected = G.map((g) => {
      v = v.map((vi, i) => m * vi + g[i]!);
      w = w.map((wi, i) => wi - lr * v[i]!);
      return w;
    });
    const got = await trace({ name: 'sgd', learningRate: lr, momentum: m }, G);
    got.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(expected[i]![j]!, 5)));
    w = [1, -2, 0.5];
    v = [0, 0, 0];
    const nesterov = G.map((g) => {
      v = v.map((vi, i) => m * vi + g[i]!);
      w = w.map((wi, i) => wi - lr * (g[i]! + m * v[i]!));
      return w;
    });
    const gotN = await trace({ name: 'sgd', learningRate: lr, momentum: m, nesterov: true }, G);
    gotN.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(nesterov[i]![j]!, 5)));
  });

  it('Adam and AdamW (decoupled decay on the kernel only)', async () => {
    const [lr, b1, b2, eps, wd] = [0.01, 0.9, 0.999, 1e-7, 0.1];
    const reference = (decay: boolean) => {
      let w = [1, -2, 0.5];
      let m = [0, 0, 0];
      let v = [0, 0, 0];
      return G.map((g, t) => {
        m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
        v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! ** 2);
        const step = (lr * Math.sqrt(1 - b2 ** (t + 1))) / (1 - b1 ** (t + 1));
        w = w.map((wi, i) => wi - (step * m[i]!) / (Math.sqrt(v[i]!) + eps) - (decay && i < 2 ? lr * wd * wi : 0));
        return w;
      });
    };
    const adam = await trace({ name: 'adam', learningRate: lr }, G);
    adam.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(reference(false)[i]![j]!, 5)));
    const adamw = await trace({ name: 'adamw', learningRate: lr, weightDecay: wd }, G);
    adamw.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(reference(true)[i]![j]!, 5)));
  });

  it('clips gradients by global norm and by value', async () => {
    const { tf } = await selectTfjsBackend('wasm');
    const grads = [tf.tensor1d([3, 4]), tf.tensor1d([0, 12])]; // global norm 13
    const [a, b] = clipGradients(tf, grads, { norm: 1.3 });
    expect(Array.from(a!.dataSync()).map((x) => +x.toFixed(4))).toEqual([0.3, 0.4]);
    expect(Array.from(b!.dataSync()).map((x) => +x.toFixed(4))).toEqual([0, 1.2]);
    const [c] = clipGradients(tf, grads, { value: 3.5 });
    expect(Array.from(c!.dataSync())).toEqual([3, 3.5]);
    tf.dispose([...grads, a!, b!, c!]);
  });

  it('rejects a bad configuration with a typed error', async () => {
    const { tf } = await selectTfjsBackend('wasm');
    expect(() => createOptimizer(tf, { name: 'sgd', learningRate: -1 })).toThrow(/Invalid optimizer/);
  });
});
