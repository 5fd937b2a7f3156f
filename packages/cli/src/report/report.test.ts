import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeCurves } from './curves.js';
import { claimReportFolder, namePart } from './evaluation-report.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-report-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('report files', () => {
  it('writeCurves writes curves.png into a model folder, and only warns when it cannot', async () => {
    const history = [{ epoch: 0, loss: 0.7, accuracy: 0.6, val_loss: 0.8, val_accuracy: 0.55 }];
    const path = await writeCurves(dir, history);
    expect(path).toBe(join(dir, 'curves.png'));
    expect((await sharp(await readFile(path!)).metadata()).format).toBe('png');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await writeCurves(join(dir, 'no', 'such', 'folder'), history)).toBeUndefined();
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/^dl: warning: curves\.png not written in /);
    } finally {
      stderr.mockRestore();
    }
  });

  it('the default report folder is ./dl-evaluate/<model>-<data>, numbered past existing ones; --report DIR with a report is OUTPUT_EXISTS', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const first = await claimReportFolder(undefined, 'digits', 'mnist-cazala:test');
      const second = await claimReportFolder(undefined, 'digits', 'mnist-cazala:test');
      expect([first, second]).toEqual([
        { dir: join(dir, 'dl-evaluate', 'digits-mnist-cazala-test'), created: true },
        { dir: join(dir, 'dl-evaluate', 'digits-mnist-cazala-test-2'), created: true },
      ]);
    } finally {
      process.chdir(cwd);
    }
    const chosen = join(dir, 'chosen');
    expect(await claimReportFolder(chosen, 'digits', 'x')).toEqual({ dir: chosen, created: true });
    await writeFile(join(chosen, 'metrics.json'), '{}');
    await expect(claimReportFolder(chosen, 'digits', 'x')).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    await mkdir(join(dir, 'empty'));
    expect(await claimReportFolder(join(dir, 'empty'), 'digits', 'x')).toEqual({ dir: join(dir, 'empty'), created: false });
  });

  it('names a folder part from a data set ref or a path', () => {
    expect(namePart('mnist-cazala:test')).toBe('mnist-cazala-test');
    expect(namePart('/data/my photos/')).toBe('my-photos');
    expect(namePart('../..')).toBe('data');
  });
});
