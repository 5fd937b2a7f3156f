import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { datasetEntry, DlError, ensureDataset, parseDatasetRef, readSklearnTable, sklearnTableSchema, splitIndices } from '@dlkit/core';
import { clipped, createTabularPredictor, readTableFile, trainTabular, type RawTable, type RowLabel, type RowValue, type TabularPredictor, type TabularTask } from '@dlkit/tabular';
import { UsageError } from '../cli-error.js';
import { writeOutput } from '../command/out-paths.js';
import type { Output } from '../output.js';
import { nonNegativeInt, positiveInt } from './arguments.js';
import { interruptible, MAX_EPOCHS } from './train.js';

export interface TabularTrainArgs {
  inputs: string[];
  label?: string;
  task?: string;
  out?: string;
  force: boolean;
  epochs?: string;
  seed?: string;
  valFraction?: string;
}

const note = (message: string) => void process.stderr.write(`dl: ${message}\n`);

/** A table file: a path that exists, or a name that reads as one (a folder in it, a table extension). */
function isTablePath(input: string): boolean {
  return existsSync(input) || /[\\/]/.test(input) || /^\.(csv|tsv|jsonl|ndjson|json|txt)$/i.test(extname(input));
}

/**
 * A registered table data set (`breast-cancer`, `diabetes:test`), made local first: its rows, as the registry's
 * split cuts them (the same seeded holdout as `loadDatasetSplit`).
 */
async function datasetTable(ref: string): Promise<{ table: RawTable; rows?: number[] }> {
  const { name, split = 'train' } = parseDatasetRef(ref);
  const { holdout, ...config } = datasetEntry(name).splits[split]!;
  const parsed = sklearnTableSchema.safeParse(config);
  if (!parsed.success) throw new DlError('INVALID_ARGUMENT', `${ref} is not a table data set (its data is '${config.type}')`, { parameter: 'dataset' });
  const dir = await ensureDataset(name);
  const table = await readSklearnTable(parsed.data, (path) => join(dir, path));
  if (holdout === undefined) return { table };
  const stratify = holdout.stratify ?? true;
  const labels = table.rows.map((row) => (stratify ? table.classes.indexOf(row.at(-1)!) : 0));
  const cut = splitIndices(labels, stratify ? table.classes.length : 1, { validation: holdout.fraction, seed: holdout.seed, stratify }, ref);
  return { table, rows: holdout.part === 'test' ? cut.validation : cut.train };
}

/** The rows of a data set's split as a table of their own. */
function onlyRows({ table, rows }: { table: RawTable; rows?: number[] }): RawTable {
  return rows === undefined ? table : { ...table, rows: rows.map((r) => table.rows[r]!), lines: rows.map((r) => table.lines[r]!) };
}

function parseTask(task: string | undefined): TabularTask | undefined {
  if (task === undefined || task === 'classification' || task === 'regression') return task;
  throw new UsageError(`--task must be classification or regression, got '${task}'`);
}

function parseFraction(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^(0?\.[0-9]+)$/.test(value) ? Number(value) : Number.NaN;
  if (!(n > 0 && n < 1)) throw new UsageError(`--val-fraction must be a decimal between 0 and 1 (e.g. 0.2), got '${value}'`);
  return n;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** `dl tabular train <data.csv|data set> --label col`: an MLP on a table, saved with its column encodings. */
export async function tabularTrain(args: TabularTrainArgs, out: Output): Promise<number> {
  if (args.inputs.length !== 1) throw new UsageError(`tabular train takes one table (a CSV or JSONL file, or a data set name), got ${args.inputs.length}`);
  const input = args.inputs[0]!;
  const task = parseTask(args.task);
  const validationFraction = parseFraction(args.valFraction);
  const epochs = positiveInt('--epochs', args.epochs, MAX_EPOCHS);
  const seed = nonNegativeInt('--seed', args.seed);
  const fromFile = isTablePath(input);
  const { table, rows } = fromFile ? { table: await readTableFile(input), rows: undefined } : await datasetTable(input);
  // A registered set names its label column; a file's must be given.
  const label = args.label ?? (fromFile ? undefined : table.columns.at(-1));
  if (label === undefined) throw new UsageError(`tabular train needs --label COLUMN: the column to predict (${clipped(table.columns.join(', '), 400)})`);
  const dir = resolve(args.out ?? `${basename(input, extname(input)).replace(/[^\w.-]+/g, '-')}-model`);
  const { signal, release } = interruptible();
  try {
    const result = await trainTabular(table, {
      label,
      out: dir,
      overwrite: args.force,
      signal,
      onNote: note,
      onCandidate: (r, i, n) => note(`network ${i + 1}/${n} (hidden ${r.candidate!.hidden.join('-') || 'none'}, dropout ${r.candidate!.dropout}): validation ${r.validationAccuracy !== undefined ? `accuracy ${pct(r.validationAccuracy)}` : `R^2 ${r.validationR2!.toFixed(4)}`}, best epoch ${r.bestEpoch} of ${r.epochs}`),
      ...(task ? { task } : {}),
      ...(rows ? { rows } : {}),
      ...(epochs ? { epochs } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(validationFraction ? { validationFraction } : {}),
    });
    result.model.dispose();
    if (result.aborted) {
      note('ABORTED: training interrupted; no model saved');
      return 130;
    }
    const { chosen, split } = result;
    const figure = chosen.validationAccuracy !== undefined ? `validation accuracy ${pct(chosen.validationAccuracy)}` : `validation R^2 ${chosen.validationR2!.toFixed(4)}`;
    const one = chosen.candidate!;
    const kept = chosen.ensemble ? `the average of the ${chosen.ensemble.length} networks` : one.hidden.length === 0 ? 'the linear network (no hidden layer)' : `network hidden ${one.hidden.join('-')}, dropout ${one.dropout}`;
    const human = [
      `trained a ${result.task} model of '${label}' on ${split.train} rows; ${split.validation} held out for validation (seed ${split.seed})`,
      `  kept ${kept}: ${figure}`,
      `  model saved to ${result.saved!.dir}`,
    ].join('\n');
    const { model: _model, rows: _rows, saved, ...summary } = result;
    out.result(input, { ...summary, model: saved!.dir }, human);
    return 0;
  } finally {
    release();
  }
}

export interface TabularPredictArgs {
  inputs: string[];
  model?: string;
  format?: string;
  out?: string;
  force: boolean;
}

/** A CSV field: quoted when it holds a comma, a quote or a line end (RFC 4180). */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The table's columns the model needs, all there (else DATASET_INVALID naming the missing ones); the others are said and ignored. */
function checkColumns(table: RawTable, predictor: TabularPredictor, input: string): void {
  const missing = predictor.columns.filter((c) => !table.columns.includes(c));
  if (missing.length > 0) {
    throw new DlError('DATASET_INVALID', `${input} has no column${missing.length > 1 ? 's' : ''} ${clipped(missing.map((c) => `'${c}'`).join(', '), 400)}: the model was trained on ${clipped(predictor.columns.join(', '), 400)}`);
  }
  const extra = table.columns.filter((c) => !predictor.columns.includes(c) && c !== predictor.label);
  if (extra.length > 0) note(`note: ${input}: column${extra.length > 1 ? 's' : ''} ${clipped(extra.join(', '), 400)} not used by the model (ignored)`);
}

/** The prediction columns of an output row: the class and its probability, or the value. */
function predictionCells(value: RowLabel[] | RowValue | undefined, predictor: TabularPredictor): string[] {
  if (predictor.task === 'tabular-regression') return [value ? String((value as RowValue).value) : ''];
  const best = (value as RowLabel[] | undefined)?.[0];
  return best ? [best.label, String(best.score)] : ['', ''];
}

/**
 * `dl tabular predict --model dir new.csv` (or a registered set's split, `breast-cancer:test`): the table with its
 * predictions, as CSV or JSONL (or --json results).
 */
export async function tabularPredict(args: TabularPredictArgs, out: Output): Promise<number> {
  if (args.model === undefined) throw new UsageError('tabular predict needs --model DIR (a model folder from dl tabular train)');
  if (args.inputs.length !== 1) throw new UsageError(`tabular predict takes one table (CSV or JSONL), got ${args.inputs.length}`);
  if (args.format !== undefined && args.format !== 'csv' && args.format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got '${args.format}'`);
  if (args.out !== undefined && !args.force && existsSync(args.out)) {
    throw new DlError('OUTPUT_EXISTS', `${args.out} exists; choose another file or replace it`, { hint: { kind: 'use-option', option: 'overwrite', value: true } });
  }
  const input = args.inputs[0]!;
  const predictor = await createTabularPredictor(args.model);
  try {
    const table = isTablePath(input) ? await readTableFile(input) : onlyRows(await datasetTable(input));
    checkColumns(table, predictor, input);
    const objects = table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
    const { results, notes } = await predictor.predict(objects);
    const unseen = Object.entries(notes.unseen);
    if (unseen.length > 0) note(`warning: categories not seen in training, encoded as none: ${unseen.map(([c, n]) => `${c} ${n} row${n > 1 ? 's' : ''}`).join(', ')}`);
    let failed = 0;
    results.forEach((r, i) => {
      if (r.ok) return;
      failed++;
      if (!out.json || args.out !== undefined) note(`${r.error.code}: ${input}:${table.lines[i]}: ${r.error.message}`);
    });
    if (out.json && args.out === undefined) {
      results.forEach((r, i) => (r.ok ? out.result(`${input}:${table.lines[i]}`, r.value, '') : out.inputError(`${input}:${table.lines[i]}`, r.error)));
      return failed > 0 ? 1 : 0;
    }
    const named = `predicted_${predictor.label}`;
    const extra = predictor.task === 'tabular-regression' ? [named] : [named, 'score'];
    const lines = results.map((r, i) => {
      const cells = predictionCells(r.ok ? r.value : undefined, predictor);
      if (args.format !== 'jsonl') return [...table.rows[i]!, ...cells].map(csvField).join(',');
      const prediction = r.ok ? (predictor.task === 'tabular-regression' ? { [named]: (r.value as RowValue).value } : { [named]: cells[0], score: Number(cells[1]) }) : { error: r.error.message };
      return JSON.stringify({ ...objects[i], ...prediction });
    });
    const text = `${[...(args.format === 'jsonl' ? [] : [[...table.columns, ...extra].map(csvField).join(',')]), ...lines].join('\n')}\n`;
    if (args.out === undefined) process.stdout.write(text);
    else {
      await writeOutput(args.out, text);
      if (out.json) out.result(input, { rows: results.length, failed, file: args.out }, '');
      else note(`${results.length} predictions written to ${args.out}`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    predictor.dispose();
  }
}
