// dl nlp fine-tune (fineTuneTextClassifier) against TF-IDF + logistic regression (scikit-learn) on the same
// splits: 3 labelled sets x 50 / 200 / 1,000 training rows, accuracy on each set's fixed test rows.
// Usage: node nlp/fine-tune/run.mjs [--sizes 50,200] [--sets rt-polarity]   (from bench/)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fineTuneTextClassifier, pipeline } from '@dlkit/nlp';
import { loadSets, SIZES } from './data.mjs';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1].split(',') : undefined;
};
const sizes = (arg('--sizes') ?? SIZES).map(Number);
const only = arg('--sets');
const dir = mkdtempSync(join(tmpdir(), 'dl-bench-ft-'));
const csvField = (s) => `"${s.replace(/"/g, '""')}"`;
const writeCsv = (path, rows) => writeFileSync(path, `text,label\n${rows.map((r) => `${csvField(r.text)},${r.label}`).join('\n')}\n`);

async function dlkit(set, n, train) {
  const out = join(dir, `${set.name}-${n}-model`);
  const started = performance.now();
  const { result } = await fineTuneTextClassifier({ data: train, textColumn: 'text', labelColumn: 'label', out });
  const seconds = (performance.now() - started) / 1000;
  const classifier = await pipeline('text-classification', out);
  try {
    const predicted = await classifier(set.test.map((r) => r.text));
    const accuracy = predicted.filter((p, i) => p[0].label === set.test[i].label).length / set.test.length;
    return { accuracy, chosen: result.chosen, config: result.linear.selection.chosen, temperature: result.linear.selection.temperature, seconds };
  } finally {
    await classifier.dispose();
  }
}

try {
  const sets = (await loadSets()).filter((s) => !only || only.includes(s.name));
  const jobs = [];
  const rows = [];
  for (const set of sets) {
    const test = join(dir, `${set.name}-test.csv`);
    writeCsv(test, set.test);
    for (const n of sizes) {
      const train = join(dir, `${set.name}-${n}.csv`);
      writeCsv(train, set.train[n]);
      jobs.push({ key: `${set.name}/${n}`, train, test });
      const result = await dlkit(set, n, train);
      rows.push({ set: set.name, n, classes: new Set(set.test.map((r) => r.label)).size, ...result });
      console.error(`${set.name} ${n}: dlkit ${(result.accuracy * 100).toFixed(1)}% (${result.chosen}, ${result.seconds.toFixed(1)} s)`);
    }
  }
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const baseline = JSON.parse(execFileSync(python, [fileURLToPath(new URL('./baseline.py', import.meta.url)), join(dir, 'jobs.json')]).toString());
  console.log('| set | classes | train rows | dlkit | TF-IDF + LR (sklearn) | difference | dlkit model (C, vectors, T) | dlkit fit s |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const b = baseline[`${r.set}/${r.n}`];
    const pts = ((r.accuracy - b) * 100).toFixed(1);
    console.log(`| ${r.set} | ${r.classes} | ${r.n} | ${(r.accuracy * 100).toFixed(1)}% | ${(b * 100).toFixed(1)}% | ${pts > 0 ? '+' : ''}${pts} | ${r.chosen} (${r.config.c}, ${r.config.vectors}, ${r.temperature.toFixed(2)}) | ${r.seconds.toFixed(1)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
