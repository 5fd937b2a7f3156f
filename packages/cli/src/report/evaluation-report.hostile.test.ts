import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvaluationMetrics } from '@dlkit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDl } from '../run-dl.test-helpers.js';
import { claimReportFolder, writeEvaluationReport } from './evaluation-report.js';

// A report folder (or a file in it) planted as a link: `dl evaluate --report DIR` with DIR a link to /etc wrote
// metrics.json, misclassified.jsonl and confusion_matrix.png into /etc. Here every link points at `victim`, another
// temporary folder, which must stay empty.
let dir: string;
let victim: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-report-hostile-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(async () => {
  victim = await mkdtemp(join(dir, 'victim-'));
});

const refusedAs = (path: string, what: RegExp) => ({ code: 'OUTPUT_UNWRITABLE', message: expect.stringMatching(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is ${what.source}`)) });

/** A tiny report of two examples (wiring only: tiny fixture). */
function tinyReport() {
  const metrics = new EvaluationMetrics(['a', 'b']);
  metrics.update(new Float32Array([0.9, 0.1, 0.8, 0.2]), new Int32Array([0, 1]));
  return metrics.report();
}

describe('the evaluation report is never written through a link', () => {
  it('--report DIR that is a link to another folder: OUTPUT_UNWRITABLE naming DIR, nothing written there', async () => {
    const link = join(dir, 'report-link');
    await symlink(victim, link);
    await expect(claimReportFolder(link, 'digits', 'mnist:test')).rejects.toMatchObject(refusedAs(link, /a symbolic link/));
    // A link to a folder that does not exist yet is refused too (mkdir -p would have made it, wherever it points).
    const dangling = join(dir, 'report-dangling');
    await symlink(join(victim, 'made-by-dl'), dangling);
    await expect(claimReportFolder(dangling, 'digits', 'mnist:test')).rejects.toMatchObject(refusedAs(dangling, /a symbolic link/));
    expect(await readdir(victim)).toEqual([]);
  });

  it('the default ./dl-evaluate planted as a link: refused before any folder is made in it', async () => {
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    await symlink(victim, join(cwd, 'dl-evaluate'));
    const before = process.cwd();
    process.chdir(cwd);
    try {
      await expect(claimReportFolder(undefined, 'digits', 'mnist:test')).rejects.toMatchObject(refusedAs(join(cwd, 'dl-evaluate'), /a symbolic link/));
    } finally {
      process.chdir(before);
    }
    expect(await readdir(victim)).toEqual([]);
  });

  it('report files planted as links (even dangling) or as folders in a real --report folder are refused by name', async () => {
    const cases = [
      ['metrics.json', (path: string) => symlink(join(victim, 'metrics.json'), path), /a symbolic link/],
      ['confusion_matrix.png', (path: string) => symlink(join(victim, 'png'), path), /a symbolic link/],
      ['misclassified.jsonl', (path: string) => mkdir(path), /not a regular file/],
    ] as const;
    for (const [name, plant, what] of cases) {
      const report = await mkdtemp(join(dir, 'report-'));
      await plant(join(report, name));
      await expect(claimReportFolder(report, 'digits', 'mnist:test')).rejects.toMatchObject(refusedAs(join(report, name), what));
    }
    // A file where the folder should be is no folder.
    await writeFile(join(dir, 'a-file'), 'x');
    await expect(claimReportFolder(join(dir, 'a-file'), 'digits', 'x')).rejects.toMatchObject(refusedAs(join(dir, 'a-file'), /not a folder/));
    expect(await readdir(victim)).toEqual([]);
  });

  it('a claimed folder swapped for a link while the set is scored: the write is refused, nothing lands in the link target', async () => {
    const { dir: claimed } = await claimReportFolder(join(dir, 'swapped'), 'digits', 'x');
    await rm(claimed, { recursive: true });
    await symlink(victim, claimed);
    const written = writeEvaluationReport(claimed, {}, tinyReport(), 'tiny', () => {});
    await expect(written).rejects.toMatchObject(refusedAs(claimed, /a symbolic link/));
    expect(await readdir(victim)).toEqual([]);
  });

  it('dl evaluate --report LINK: exit 1 and one stderr line, before any data is read', async () => {
    const link = join(dir, 'cli-link');
    await symlink(victim, link);
    // The data set is never opened: the folder is claimed first.
    const r = await runDl(['evaluate', '--model', 'digits', 'mnist-cazala:test', '--report', link], { cwd: dir, env: { DL_OFFLINE: '1', DL_CACHE: join(dir, 'cache') }, timeoutMs: 60_000 });
    expect([r.code, r.stderr.trim().split('\n')]).toEqual([1, [expect.stringMatching(/^dl: OUTPUT_UNWRITABLE: .*cli-link is a symbolic link/)]]);
    expect(await readdir(victim)).toEqual([]);
  });
});
