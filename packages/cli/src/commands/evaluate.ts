import { rmdir } from 'node:fs/promises';
import { isDlError, loadLabels, loadLocalModel, parseModelReference, type DlError, type EvaluationReport } from '@dlkit/core';
import { UsageError } from '../cli-error.js';
import type { EvaluatedModel } from '../evaluate/sources.js';
import type { Output } from '../output.js';
import { printable } from '../terminal/printable.js';
import { positiveInt } from './arguments.js';

export interface EvaluateArgs {
  data: string[];
  model?: string | undefined;
  report?: string | undefined;
  limit?: string | undefined;
  label?: string | undefined;
  text?: string | undefined;
}

/** Mistakes shown in the human output (the report folder has up to 100). */
const SHOWN_MISTAKES = 5;
/** Examples that could not be scored, each said on stderr. */
const SHOWN_SKIPS = 10;

const warn = (message: string) => void process.stderr.write(`dl: warning: ${printable(message, { keepNewlines: false })}\n`);

async function openModel(reference: string): Promise<EvaluatedModel> {
  // The domain packages register their embedded models (digits, sentiment, speech-digits) when imported.
  await Promise.all([import('@dlkit/vision'), import('@dlkit/nlp'), import('@dlkit/speech')]);
  const loaded = await loadLocalModel(parseModelReference(reference));
  return { reference, loaded, labels: await loadLabels(loaded, undefined) };
}

/** Progress on stderr, on a terminal only: a log file or a test reads the result lines alone. */
function progress(what: string): { update(done: number, total: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    update(done, total) {
      if (!tty) return;
      shown = true;
      process.stderr.write(`\rdl: evaluating ${printable(what, { keepNewlines: false })}: ${done}/${total}\x1b[K`);
    },
    end: () => void (shown && process.stderr.write('\n')),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** The compact table a person reads: the headline figures, per-class precision / recall / F1, the worst mistakes. */
function humanReport(model: string, source: string, r: EvaluationReport, skipped: number, folder: string, files: string[]): string {
  const width = Math.max(5, ...r.perClass.map((c) => c.label.length));
  const top = Object.entries(r.topK).map(([k, v]) => `  ${k} ${pct(v)}`).join('');
  const lines = [
    `${model} on ${source}: ${r.count} examples${skipped > 0 ? ` (${skipped} could not be read)` : ''}`,
    `accuracy ${pct(r.accuracy)}  macro F1 ${r.macroF1.toFixed(4)}  ECE ${r.calibration.ece.toFixed(4)}${top}`,
    `${'class'.padEnd(width)}  precision  recall  f1      support`,
    ...r.perClass.map((c) => `${c.label.padEnd(width)}  ${c.precision.toFixed(4).padStart(9)}  ${c.recall.toFixed(4)}  ${c.f1.toFixed(4)}  ${String(c.support).padStart(7)}`),
  ];
  if (r.misclassified.length > 0) {
    lines.push(`most confident mistakes (${r.errors} in all):`);
    for (const m of r.misclassified.slice(0, SHOWN_MISTAKES)) lines.push(`  ${m.input ?? `#${m.index}`}: ${m.label} predicted ${m.predicted} (${m.score.toFixed(3)})`);
  }
  lines.push(`report: ${folder} (${files.join(', ')})`);
  return lines.join('\n');
}

/** The set opened and scored (progress on stderr, unreadable examples warned about and left out). */
async function score(data: string, model: EvaluatedModel, args: EvaluateArgs, limit: number | undefined) {
  const [{ openScoring }, { runEvaluation }] = await Promise.all([import('../evaluate/sources.js'), import('../evaluate/run.js')]);
  const scoring = await openScoring(data, model, { label: args.label, text: args.text, warn });
  const bar = progress(`${model.reference} on ${scoring.source}`);
  let skips = 0;
  try {
    const result = await runEvaluation(scoring, model.labels, model.reference, {
      limit,
      onProgress: bar.update,
      onSkip: (input: string, error: DlError) => {
        // The first few are said in full; a set of thousands of bad files is not thousands of lines.
        if (++skips <= SHOWN_SKIPS) warn(`${input}: not scored (${isDlError(error) ? `${error.code}: ` : ''}${error.message})`);
        else if (skips === SHOWN_SKIPS + 1) warn('more examples could not be scored: their count is in the result');
      },
    });
    return { ...result, source: scoring.source };
  } finally {
    bar.end();
    await scoring.dispose();
  }
}

/** `dl evaluate --model M <data>`: a classifier measured on a labelled set, with a report folder of figures. */
export async function evaluateCommand(args: EvaluateArgs, out: Output): Promise<number> {
  if (args.model === undefined) throw new UsageError('evaluate needs --model NAME|DIR (an embedded model or a model folder)');
  if (args.data.length !== 1) throw new UsageError(`evaluate takes one data set (a registered one such as mnist:test, a folder or a table), got ${args.data.length}`);
  const data = args.data[0]!;
  const limit = positiveInt('--limit', args.limit);
  try {
    return await evaluateData(data, args.model, args, limit, out);
  } catch (error) {
    if (!out.json) throw error;
    // --json: the error as an object on stdout too, as for a task's inputs.
    out.inputError(data, error);
    return 1;
  }
}

async function evaluateData(data: string, reference: string, args: EvaluateArgs, limit: number | undefined, out: Output): Promise<number> {
  const model = await openModel(reference);
  // The runtimes (tfjs, sharp, the pipelines) load after the command line is known to be right.
  const { claimReportFolder, writeEvaluationReport } = await import('../report/evaluation-report.js');
  // Claimed first, so that a folder that cannot be written is said before minutes of scoring, not after.
  const { dir: folder, created } = await claimReportFolder(args.report, model.loaded.manifest.name, data);
  let result;
  const started = performance.now();
  try {
    result = await score(data, model, args, limit);
  } catch (error) {
    // A folder made for this run goes again (rmdir: only while empty); one the user gave stays.
    if (created) await rmdir(folder).catch(() => {});
    throw error;
  }
  const { report, skipped, source } = result;
  const summary = { model: reference, task: model.loaded.manifest.task, data: source, skipped, seconds: (performance.now() - started) / 1000 };
  const files = await writeEvaluationReport(folder, summary, report, `${model.loaded.manifest.name} on ${data}`, warn);
  out.result(data, { ...summary, ...report, report: folder, files }, humanReport(reference, source, report, skipped, folder, files));
  return 0;
}
