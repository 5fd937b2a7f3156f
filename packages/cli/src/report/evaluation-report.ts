import type { Stats } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DlError, errorMessage, writeFileAtomic, type EvaluationReport } from '@dlkit/core';
import { confusionMatrixPng } from '@dlkit/vision';

export const REPORT_FILES = { confusion: 'confusion_matrix.png', metrics: 'metrics.json', misclassified: 'misclassified.jsonl' } as const;

/** Beyond this many classes a confusion matrix is a grey carpet (and a huge SVG): metrics.json still has it. */
const MAX_DRAWN_CLASSES = 200;

/** A folder name part from a model or data name: `mnist-cazala:test` -> `mnist-cazala-test`, a path -> its last part. */
export function namePart(name: string): string {
  const part = basename(name.replace(/[\\/]+$/, '')).replace(/[^\w.-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return part === '' ? 'data' : part.slice(0, 80);
}

/** What is at `path`, a link not followed (undefined: nothing); OUTPUT_UNWRITABLE when that cannot be told. */
async function entryAt(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw new DlError('OUTPUT_UNWRITABLE', `Cannot check ${path} for the report: ${errorMessage(error)}`, { cause: error });
  }
}

function refused(path: string, stats: Stats, want: 'folder' | 'regular file'): DlError {
  const what = stats.isSymbolicLink() ? 'a symbolic link (a report is never written through one: it could point anywhere)' : `not a ${want}`;
  return new DlError('OUTPUT_UNWRITABLE', `${path} is ${what}; remove it or choose another folder`, { parameter: 'report' });
}

/** Whether `dir` is a folder (false: nothing there); a link or anything else there is refused. */
async function isRealFolder(dir: string): Promise<boolean> {
  const folder = await entryAt(dir);
  if (folder !== undefined && !folder.isDirectory()) throw refused(dir, folder, 'folder');
  return folder !== undefined;
}

/**
 * Refuses (OUTPUT_UNWRITABLE naming it) a report folder that is a link or no folder, and report files in it that
 * are links or not regular files: a `dl-evaluate` or `--report` folder planted as a link to /etc had the report
 * written there. Whether the folder holds a report already (its `metrics.json`); false when there is no folder.
 */
async function checkReportFolder(dir: string): Promise<boolean> {
  if (!(await isRealFolder(dir))) return false;
  let hasReport = false;
  for (const name of Object.values(REPORT_FILES)) {
    const file = await entryAt(join(dir, name));
    if (file !== undefined && !file.isFile()) throw refused(join(dir, name), file, 'regular file');
    hasReport ||= file !== undefined && name === REPORT_FILES.metrics;
  }
  return hasReport;
}

const unwritable = (dir: string) => (error: unknown) => {
  throw new DlError('OUTPUT_UNWRITABLE', `Cannot create ${dir} for the report: ${errorMessage(error)}`, { cause: error, hint: { kind: 'use-option', option: 'report', value: 'DIR' } });
};

/**
 * The report folder, and whether this call made it: `requested` as given (refused when it already holds a report: OUTPUT_EXISTS), else
 * `./dl-evaluate/<model>-<data>` in the current folder, numbered `-2`, `-3`, ... past those that exist (never the
 * model's own folder: an embedded or installed model is read-only). Neither may be a link (see `checkReportFolder`).
 */
export async function claimReportFolder(requested: string | undefined, model: string, data: string): Promise<{ dir: string; created: boolean }> {
  if (requested !== undefined) {
    const dir = resolve(requested);
    if (await checkReportFolder(dir)) {
      throw new DlError('OUTPUT_EXISTS', `${dir} already holds an evaluation report (${REPORT_FILES.metrics}); choose another folder or remove it`, { parameter: 'report' });
    }
    // mkdir answers the first folder it made: undefined when the folder was there already.
    return { dir, created: (await mkdir(dir, { recursive: true }).catch(unwritable(dir))) !== undefined };
  }
  const parent = resolve('dl-evaluate');
  await mkdir(parent, { recursive: true }).catch(unwritable(parent));
  // mkdir accepts a link to a folder as the folder: a planted `dl-evaluate` link is refused here.
  await isRealFolder(parent);
  const base = `${namePart(model)}-${namePart(data)}`;
  for (let n = 1; ; n++) {
    const dir = join(parent, n === 1 ? base : `${base}-${n}`);
    try {
      // mkdir without `recursive` fails on an existing folder (or link): claiming a name this way is safe
      // against a second evaluation started at the same moment, and the folder claimed is a new one.
      await mkdir(dir);
      return { dir, created: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new DlError('OUTPUT_UNWRITABLE', `Cannot create ${dir}: ${errorMessage(error)}`, { cause: error });
    }
  }
}

/**
 * Writes `metrics.json` (everything but the per-example list), `misclassified.jsonl` (most confident first) and
 * `confusion_matrix.png` into `dir`; the files written, by name. The figure failing is a warning, not a lost report.
 */
export async function writeEvaluationReport(dir: string, summary: Record<string, unknown>, report: EvaluationReport, title: string, warn: (message: string) => void): Promise<string[]> {
  const { misclassified, ...metrics } = report;
  // Checked again: scoring took minutes, in which a link could have been put in the folder's place. The files are
  // written by temporary name and rename (writeFileAtomic), which replaces a link at their name, never follows it.
  await checkReportFolder(dir);
  await writeFileAtomic(join(dir, REPORT_FILES.metrics), `${JSON.stringify({ ...summary, ...metrics }, null, 2)}\n`);
  await writeFileAtomic(join(dir, REPORT_FILES.misclassified), misclassified.map((m) => JSON.stringify(m)).join('\n') + (misclassified.length > 0 ? '\n' : ''));
  const written: string[] = [REPORT_FILES.metrics, REPORT_FILES.misclassified];
  const classes = report.perClass.map((c) => c.label);
  if (classes.length > MAX_DRAWN_CLASSES) {
    warn(`${REPORT_FILES.confusion} not drawn: ${classes.length} classes (at most ${MAX_DRAWN_CLASSES}); the matrix is in ${REPORT_FILES.metrics}`);
    return written;
  }
  try {
    await writeFileAtomic(join(dir, REPORT_FILES.confusion), await confusionMatrixPng(classes, report.confusion, title));
    written.unshift(REPORT_FILES.confusion);
  } catch (error) {
    warn(`${REPORT_FILES.confusion} not written: ${errorMessage(error)}`);
  }
  return written;
}
