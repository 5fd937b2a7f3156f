// Choosing trainTabular's default networks without the benchmark's test rows: for each seed, run.mjs's test cut
// is set aside untouched, and the rest (its training rows) is cut again, seeded: 75% to train on (trainTabular
// takes its own 20% validation cut of those) and 25% "development" rows that score each configuration. A closed-form
// Ridge (alpha chosen on trainTabular's validation rows, as sklearn_models.py chooses it) is scored on the same rows.
//
//   node bench/tabular/tune.mjs [--seeds 5] [--sets diabetes,wine,breast-cancer] [--configs three,three+linear]
//
// (default: diabetes, every configuration below; figures and what was chosen: bench/RESULTS.md, "tabular").
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetEntry, splitIndices } from '@dlkit/core';
import { mean, sd, wholeTable } from './tables.mjs';
import { createTabularPredictor, DEFAULT_CANDIDATES, trainTabular } from '@dlkit/tabular';

const flag = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const SEEDS = Array.from({ length: Number(flag('--seeds', 5)) }, (_, i) => i);
const SETS = flag('--sets', 'diabetes').split(',');

const wide = (hidden, dropout, learningRate, extra = {}) => ({ hidden, dropout, learningRate, wide: true, ...extra });
// The defaults before this search (three wide & deep networks) and the linear network it added.
const THREE = DEFAULT_CANDIDATES.filter((c) => c.hidden.length > 0);
const LINEAR = { hidden: [], dropout: 0, learningRate: 1e-2 };
/** Configurations tried: trainTabular options besides label, task, rows and seed. `three+linear` is the default. */
const CONFIGS = {
  three: { candidates: THREE },
  linear: { candidates: [LINEAR], ensemble: false },
  'linear-lr3e-3': { candidates: [{ ...LINEAR, learningRate: 3e-3 }], ensemble: false },
  'three+linear': { candidates: [...THREE, LINEAR] },
  'three-bs64': { candidates: THREE, batchSize: 64 },
  'three+linear-bs64': { candidates: [...THREE, LINEAR], batchSize: 64 },
  'three-wd1e-2': { candidates: THREE.map((c) => ({ ...c, weightDecay: 1e-2 })) },
  'three-wd1e-1': { candidates: THREE.map((c) => ({ ...c, weightDecay: 1e-1 })) },
  'three+linear-wd1e-2': { candidates: [...THREE, LINEAR].map((c) => ({ ...c, weightDecay: 1e-2 })) },
  'three-x2seeds': { candidates: [...THREE, ...THREE.map((c) => ({ ...c, seed: 100 }))] },
  '32x5': { candidates: [0, 1, 2, 3, 4].map((s) => wide([32], 0.1, 3e-3, { seed: s * 100 })) },
  '32x5-wd1e-1': { candidates: [0, 1, 2, 3, 4].map((s) => wide([32], 0.1, 3e-3, { seed: s * 100, weightDecay: 1e-1 })) },
  '32x3+linear': { candidates: [...[0, 1, 2].map((s) => wide([32], 0.1, 3e-3, { seed: s * 100 })), LINEAR] },
};
const NAMES = flag('--configs', Object.keys(CONFIGS).join(',')).split(',');


/** R^2 of predictions on rows, or accuracy. */
function score(classification, truth, predicted) {
  if (classification) return mean(truth.map((t, i) => (t === predicted[i] ? 1 : 0)));
  const mu = mean(truth);
  return 1 - truth.reduce((s, v, i) => s + (v - predicted[i]) ** 2, 0) / truth.reduce((s, v) => s + (v - mu) ** 2, 0);
}

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination. */
function solve(a, b) {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) x[r] = (m[r][n] - m[r].slice(r + 1, n).reduce((s, v, k) => s + v * x[r + 1 + k], 0)) / m[r][r];
  return x;
}

/** sklearn's StandardScaler + Ridge(alpha): centred, standardised inputs, unpenalised intercept. */
function ridge(x, y, alpha) {
  const d = x[0].length;
  const mu = Array.from({ length: d }, (_, j) => mean(x.map((r) => r[j])));
  const sigma = Array.from({ length: d }, (_, j) => Math.sqrt(mean(x.map((r) => (r[j] - mu[j]) ** 2))) || 1);
  const z = x.map((r) => r.map((v, j) => (v - mu[j]) / sigma[j]));
  const ym = mean(y);
  const a = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => z.reduce((s, r) => s + r[i] * r[j], 0) + (i === j ? alpha : 0)));
  const w = solve(a, Array.from({ length: d }, (_, i) => z.reduce((s, r, k) => s + r[i] * (y[k] - ym), 0)));
  return (rows) => rows.map((r) => ym + r.reduce((s, v, j) => s + ((v - mu[j]) / sigma[j]) * w[j], 0));
}

function ridgeDev(table, train, validation, dev) {
  const x = (rows) => rows.map((r) => table.rows[r].slice(0, -1).map(Number));
  const y = (rows) => rows.map((r) => Number(table.rows[r].at(-1)));
  let best;
  for (const alpha of [0.01, 0.1, 1, 10, 100]) {
    const v = score(false, y(validation), ridge(x(train), y(train), alpha)(x(validation)));
    if (!best || v > best.v) best = { v, alpha };
  }
  return score(false, y(dev), ridge(x(train), y(train), best.alpha)(x(dev)));
}

const work = await mkdtemp(join(tmpdir(), 'dlkit-tune-tabular-'));
for (const set of SETS) {
  const table = await wholeTable(set);
  const classification = datasetEntry(set).task === 'tabular-classification';
  const classOf = table.rows.map((row) => (classification ? table.classes.indexOf(row.at(-1)) : 0));
  const classes = Math.max(table.classes?.length ?? 0, 1);
  const ridgeScores = [];
  const cuts = SEEDS.map((seed) => {
    // run.mjs's test cut (seed 1000 + seed): its test rows are left out here entirely.
    const outer = splitIndices(classOf, classes, { validation: 0.25, seed: 1000 + seed, stratify: classification });
    const inner = splitIndices(outer.train.map((r) => classOf[r]), classes, { validation: 0.25, seed: 2000 + seed, stratify: classification });
    return { seed, train: inner.train.map((i) => outer.train[i]), dev: inner.validation.map((i) => outer.train[i]) };
  });
  for (const name of NAMES) {
    const scores = [];
    const validation = [];
    const seconds = [];
    for (const cut of cuts) {
      const started = performance.now();
      const out = join(work, `${set}-${name}-${cut.seed}`);
      const trained = await trainTabular(table, { label: table.columns.at(-1), task: classification ? 'classification' : 'regression', rows: cut.train, seed: cut.seed, out, ...CONFIGS[name] });
      seconds.push((performance.now() - started) / 1000);
      trained.model.dispose();
      // Through the saved model folder, as run.mjs scores its test rows.
      const predictor = await createTabularPredictor(out);
      const { results } = await predictor.predict(cut.dev.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, table.rows[r][i]]))));
      predictor.dispose();
      const truth = cut.dev.map((r) => (classification ? table.rows[r].at(-1) : Number(table.rows[r].at(-1))));
      const predicted = results.map((r) => (classification ? r.value[0].label : r.value.value));
      scores.push(score(classification, truth, predicted));
      validation.push(trained.chosen.validationAccuracy ?? trained.chosen.validationR2);
      if (!classification && ridgeScores.length < cuts.length) ridgeScores.push(ridgeDev(table, trained.rows.train, trained.rows.validation, cut.dev));
    }
    const row = { set, config: name, dev: mean(scores), devSd: sd(scores), perSeed: scores, validation: mean(validation), seconds: mean(seconds) };
    process.stderr.write(`${set} ${name}: dev ${row.dev.toFixed(4)} ± ${row.devSd.toFixed(3)} [${scores.map((s) => s.toFixed(3)).join(' ')}], validation ${row.validation.toFixed(4)}, ${row.seconds.toFixed(1)} s/model${ridgeScores.length ? `; Ridge dev ${mean(ridgeScores).toFixed(4)} [${ridgeScores.map((s) => s.toFixed(3)).join(' ')}]` : ''} (load ${loadavg()[0].toFixed(1)})\n`);
  }
}

await rm(work, { recursive: true, force: true });
