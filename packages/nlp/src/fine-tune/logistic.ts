/**
 * Multinomial logistic regression on sparse rows plus an optional dense block, fitted by L-BFGS (as
 * scikit-learn's default solver): minimises sum of cross-entropies + lambda/2 * |weights|^2 (bias free).
 * Plain JS: a few thousand rows and a few hundred thousand weights take well under a second per fit.
 */
export interface LinearRows {
  ids: Int32Array[];
  values: Float32Array[];
  /** Dense features, `dimensions` per row, or none. */
  dense?: Float32Array;
  dimensions: number;
  labels: Int32Array;
  classes: number;
  /** Sparse feature count + 1 (id 0 pads and has no weight). */
  features: number;
}

export interface LinearFit {
  /** [ngram weights (features x classes) | dense weights (dimensions x classes) | bias (classes)]. */
  theta: Float64Array;
  iterations: number;
}

export function parameterCount(rows: Pick<LinearRows, 'features' | 'dimensions' | 'classes'>): number {
  return (rows.features + rows.dimensions + 1) * rows.classes;
}

/** Logits of row r (written into `out`). */
export function rowLogits(rows: LinearRows, theta: Float64Array, r: number, out: Float64Array): void {
  const C = rows.classes;
  const denseAt = rows.features * C;
  const biasAt = (rows.features + rows.dimensions) * C;
  for (let c = 0; c < C; c++) out[c] = theta[biasAt + c]!;
  const ids = rows.ids[r]!;
  const values = rows.values[r]!;
  for (let k = 0; k < ids.length; k++) {
    const at = ids[k]! * C;
    for (let c = 0; c < C; c++) out[c]! += values[k]! * theta[at + c]!;
  }
  if (rows.dense) {
    const D = rows.dimensions;
    for (let d = 0; d < D; d++) {
      const x = rows.dense[r * D + d]!;
      if (x === 0) continue;
      for (let c = 0; c < C; c++) out[c]! += x * theta[denseAt + d * C + c]!;
    }
  }
}

/** Softmax in place; returns log-sum-exp. */
export function softmaxInPlace(z: Float64Array): number {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += Math.exp(z[c]! - max);
  const lse = max + Math.log(sum);
  for (let c = 0; c < z.length; c++) z[c] = Math.exp(z[c]! - lse);
  return lse;
}

/** Loss and gradient (into `grad`) over the rows in `subset`. */
function lossAndGradient(rows: LinearRows, subset: Int32Array, theta: Float64Array, lambda: number, grad: Float64Array): number {
  const C = rows.classes;
  const D = rows.dimensions;
  const denseAt = rows.features * C;
  const biasAt = (rows.features + D) * C;
  grad.fill(0);
  let loss = 0;
  const p = new Float64Array(C);
  for (const r of subset) {
    rowLogits(rows, theta, r, p);
    const label = rows.labels[r]!;
    softmaxInPlace(p);
    loss -= Math.log(Math.max(p[label]!, 1e-300));
    p[label]! -= 1;
    const ids = rows.ids[r]!;
    const values = rows.values[r]!;
    for (let k = 0; k < ids.length; k++) {
      const at = ids[k]! * C;
      for (let c = 0; c < C; c++) grad[at + c]! += values[k]! * p[c]!;
    }
    if (rows.dense) {
      for (let d = 0; d < D; d++) {
        const x = rows.dense[r * D + d]!;
        if (x !== 0) for (let c = 0; c < C; c++) grad[denseAt + d * C + c]! += x * p[c]!;
      }
    }
    for (let c = 0; c < C; c++) grad[biasAt + c]! += p[c]!;
  }
  for (let i = 0; i < biasAt; i++) {
    loss += 0.5 * lambda * theta[i]! * theta[i]!;
    grad[i]! += lambda * theta[i]!;
  }
  return loss;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

interface Pair {
  s: Float64Array;
  y: Float64Array;
  rho: number;
}

const MEMORY = 6;

/** The L-BFGS direction -H grad (two-loop recursion) into `direction`. */
function lbfgsDirection(grad: Float64Array, pairs: readonly Pair[], direction: Float64Array): void {
  const n = grad.length;
  for (let i = 0; i < n; i++) direction[i] = -grad[i]!;
  const alphas = new Float64Array(pairs.length);
  for (let k = pairs.length - 1; k >= 0; k--) {
    const { s, y, rho } = pairs[k]!;
    const a = (alphas[k] = rho * dot(s, direction));
    for (let i = 0; i < n; i++) direction[i]! -= a * y[i]!;
  }
  const last = pairs.at(-1);
  const scale = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / (Math.sqrt(dot(grad, grad)) || 1);
  for (let i = 0; i < n; i++) direction[i]! *= scale;
  for (let k = 0; k < pairs.length; k++) {
    const { s, y, rho } = pairs[k]!;
    const b = alphas[k]! - rho * dot(y, direction);
    for (let i = 0; i < n; i++) direction[i]! += s[i]! * b;
  }
}

/**
 * L-BFGS (two-loop recursion, 6 pairs) with a backtracking Armijo line search. The weight-sized buffers are
 * allocated once and recycled: with few rows and many n-grams the time is in passes over the weights, not the rows.
 */
export function fitLogistic(rows: LinearRows, subset: Int32Array, lambda: number, start?: Float64Array, maxIterations = 150): LinearFit {
  const n = parameterCount(rows);
  let theta = start ? Float64Array.from(start) : new Float64Array(n);
  let grad = new Float64Array(n);
  let loss = lossAndGradient(rows, subset, theta, lambda, grad);
  let next = new Float64Array(n);
  let nextGrad = new Float64Array(n);
  const direction = new Float64Array(n);
  const pairs: Pair[] = [];
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    lbfgsDirection(grad, pairs, direction);
    const slope = dot(grad, direction);
    if (!(slope < 0)) break;
    let step = 1;
    let nextLoss = Infinity;
    for (let tries = 0; tries < 30; tries++, step /= 2) {
      for (let i = 0; i < n; i++) next[i] = theta[i]! + step * direction[i]!;
      nextLoss = lossAndGradient(rows, subset, next, lambda, nextGrad);
      if (nextLoss <= loss + 1e-4 * step * slope) break;
    }
    if (!(nextLoss < loss)) break;
    let sy = 0;
    for (let i = 0; i < n; i++) sy += (next[i]! - theta[i]!) * (nextGrad[i]! - grad[i]!);
    if (sy > 1e-12) {
      // The oldest pair's buffers take the new one once the memory is full.
      const pair = pairs.length >= MEMORY ? pairs.shift()! : { s: new Float64Array(n), y: new Float64Array(n), rho: 0 };
      for (let i = 0; i < n; i++) {
        pair.s[i] = next[i]! - theta[i]!;
        pair.y[i] = nextGrad[i]! - grad[i]!;
      }
      pair.rho = 1 / sy;
      pairs.push(pair);
    }
    const improvement = (loss - nextLoss) / Math.max(1, Math.abs(loss));
    [theta, next] = [next, theta];
    [grad, nextGrad] = [nextGrad, grad];
    loss = nextLoss;
    // Accuracy and calibration settle long before the optimum's last digits: 1e-6 halves the iterations.
    if (improvement < 1e-6) break;
  }
  return { theta, iterations };
}

/** Class probabilities of each row in `subset` (rows x classes), logits divided by `temperature`. */
export function predictLogistic(rows: LinearRows, theta: Float64Array, subset: Int32Array, temperature = 1): Float64Array {
  const C = rows.classes;
  const out = new Float64Array(subset.length * C);
  const z = new Float64Array(C);
  subset.forEach((r, i) => {
    rowLogits(rows, theta, r, z);
    for (let c = 0; c < C; c++) z[c]! /= temperature;
    softmaxInPlace(z);
    out.set(z, i * C);
  });
  return out;
}
