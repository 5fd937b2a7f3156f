// Tabular benchmark: dlkit's `trainTabular` (an MLP chosen on validation, early stopping) against scikit-learn's
// linear model, MLP and histogram gradient boosting, on the same seeded train / validation / test rows of
// breast-cancer and wine (classification, accuracy) and diabetes (regression, R^2), in one run.
//
//   node bench/tabular/run.mjs [--seeds 5]      (PYTHON=... for a python3 with scikit-learn other than /usr/bin/python3)
//
// For each set and seed: a fixed stratified 25% test cut (seeded), then trainTabular's own seeded 20% validation
// cut of the rest; the rows of all three parts go to bench/tabular/splits.json, which sklearn_models.py reads, so
// both sides fit on the same training rows, choose hyperparameters on the same validation rows and are scored once
// on the same test rows. Figures: bench/tabular/results.json and the table printed (bench/RESULTS.md, "Tabular").
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetEntry, splitIndices } from '@dlkit/core';
import { mean, sd, wholeTable } from './tables.mjs';
import { createTabularPredictor, trainTabular } from '@dlkit/tabular';

const here = dirname(fileURLToPath(import.meta.url));
const seedsFlag = process.argv.indexOf('--seeds');
const SEEDS = Array.from({ length: seedsFlag > 0 ? Number(process.argv[seedsFlag + 1]) : 5 }, (_, i) => i);
const SETS = ['breast-cancer', 'wine', 'diabetes'];
const TEST_FRACTION = 0.25;
// Debian's python3-sklearn is installed for the system python (a pyenv shim earlier on PATH may lack it).
const PYTHON = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');



function testScore(task, table, test, results) {
  const label = table.columns.length - 1;
  if (task === 'classification') return mean(test.map((r, i) => (results[i].value[0].label === table.rows[r][label] ? 1 : 0)));
  const y = test.map((r) => Number(table.rows[r][label]));
  const mu = mean(y);
  const residual = y.reduce((s, v, i) => s + (v - results[i].value.value) ** 2, 0);
  return 1 - residual / y.reduce((s, v) => s + (v - mu) ** 2, 0);
}

async function ours(name, table, seed, work) {
  const classification = datasetEntry(name).task === 'tabular-classification';
  const label = table.columns.at(-1);
  const classes = classification ? table.classes : [];
  const classOf = table.rows.map((row) => (classification ? classes.indexOf(row.at(-1)) : 0));
  const cut = splitIndices(classOf, Math.max(classes.length, 1), { validation: TEST_FRACTION, seed: 1000 + seed, stratify: classification });
  const started = performance.now();
  const out = join(work, `${name}-${seed}`);
  const trained = await trainTabular(table, { label, task: classification ? 'classification' : 'regression', rows: cut.train, seed, out });
  const seconds = (performance.now() - started) / 1000;
  trained.model.dispose();
  const predictor = await createTabularPredictor(out);
  const rows = cut.validation.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, table.rows[r][i]])));
  const { results } = await predictor.predict(rows);
  predictor.dispose();
  const task = classification ? 'classification' : 'regression';
  return {
    split: { seed, train: trained.rows.train, validation: trained.rows.validation, test: cut.validation },
    result: { set: name, seed, model: 'dlkit MLP', params: trained.chosen.ensemble ? { ensemble: trained.chosen.ensemble } : trained.chosen.candidate, validation: trained.chosen.validationAccuracy ?? trained.chosen.validationR2, test: testScore(task, table, cut.validation, results), seconds },
  };
}

const work = await mkdtemp(join(tmpdir(), 'dlkit-bench-tabular-'));
const load = loadavg()[0];
const spec = { testFraction: TEST_FRACTION, validationFraction: 0.2, sets: [] };
const results = [];
try {
  for (const name of SETS) {
    const table = await wholeTable(name);
    const task = datasetEntry(name).task === 'tabular-classification' ? 'classification' : 'regression';
    const splits = [];
    for (const seed of SEEDS) {
      const { split, result } = await ours(name, table, seed, work);
      splits.push(split);
      results.push(result);
      process.stderr.write(`${name} seed ${seed}: dlkit ${result.test.toFixed(4)} (${result.seconds.toFixed(1)} s, ${JSON.stringify(result.params)})\n`);
    }
    spec.sets.push({ name, task, features: table.columns.slice(0, -1), rows: table.rows, splits });
  }
  const splitsFile = join(here, 'splits.json');
  // The row indices only are committed; the tables are the registry's.
  await writeFile(splitsFile, `${JSON.stringify({ ...spec, sets: spec.sets.map(({ rows: _, ...s }) => s) })}\n`);
  const full = join(work, 'splits-with-rows.json');
  await writeFile(full, JSON.stringify(spec));
  // One thread each: OpenMP's spinning threads on a shared machine made one HistGradientBoosting fit 25x slower.
  const threads = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  results.push(...JSON.parse(execFileSync(PYTHON, [join(here, 'sklearn_models.py'), full], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...threads } })));
} finally {
  await rm(work, { recursive: true, force: true });
}

const sklearnVersion = execFileSync(PYTHON, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' }).trim();
const lines = [`| set (metric) | model | test mean ± sd over ${SEEDS.length} seeds |`, '|---|---|---|'];
const verdicts = [];
for (const name of SETS) {
  const metric = name === 'diabetes' ? 'R^2' : 'accuracy';
  const models = [...new Set(results.filter((r) => r.set === name).map((r) => r.model))];
  const figure = (model) => results.filter((r) => r.set === name && r.model === model).map((r) => r.test);
  const fmt = (xs) => (metric === 'R^2' ? `${mean(xs).toFixed(3)} ± ${sd(xs).toFixed(3)}` : `${(mean(xs) * 100).toFixed(2)}% ± ${(sd(xs) * 100).toFixed(2)}`);
  for (const model of models) lines.push(`| ${name} (${metric}) | ${model} | ${fmt(figure(model))} |`);
  const ourMean = mean(figure('dlkit MLP'));
  const others = models.filter((m) => m !== 'dlkit MLP');
  if (metric === 'R^2') {
    const ridge = mean(figure('Ridge'));
    verdicts.push(`${name}: dlkit R^2 ${ourMean.toFixed(3)} vs Ridge ${ridge.toFixed(3)}: ${ourMean >= ridge ? 'target met' : 'target MISSED'}`);
  } else {
    const best = others.reduce((b, m) => (mean(figure(m)) > mean(figure(b)) ? m : b));
    const gap = (mean(figure(best)) - ourMean) * 100;
    verdicts.push(`${name}: dlkit ${(ourMean * 100).toFixed(2)}% vs best sklearn ${best} ${(mean(figure(best)) * 100).toFixed(2)}% (gap ${gap.toFixed(2)} points): ${gap <= 1 ? 'target met' : 'target MISSED'}`);
  }
}
const report = [...lines, '', ...verdicts, '', `scikit-learn ${sklearnVersion}; load average ${load.toFixed(1)} on ${availableParallelism()} cores at the start`].join('\n');
await writeFile(join(here, 'results.json'), `${JSON.stringify({ seeds: SEEDS, sklearn: sklearnVersion, results }, null, 1)}\n`);
process.stdout.write(`${report}\n`);
