import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDl } from '../run-dl.test-helpers.js';

// `dl train --resume DIR` took `overwrite: true` from the checkpoint: a checkpoint planted (or edited) to name a
// model folder as its `out` had the resume replace that model. Permission to replace one comes from --force alone.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dlkit-resume-hostile-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const dl = (args: string[]) => runDl(args, { cwd: dir, env: { DL_OFFLINE: '1', DL_CACHE: join(dir, 'cache') }, timeoutMs: 120_000 });

describe('dl train --resume never replaces a model on the checkpoint’s word', () => {
  it('a checkpoint edited to grant overwrite over an existing model: OUTPUT_EXISTS naming it; --force on the command line allows it (wiring only: tiny fixture)', async () => {
    await writeFile(join(dir, 'small.csv'), ['a,b,y', ...Array.from({ length: 30 }, (_, i) => `${i % 5},${i % 3},${i % 2}`)].join('\n'));
    await writeFile(join(dir, 'run.json'), JSON.stringify({ data: { type: 'csv', path: 'small.csv', label: 'y' }, model: { architecture: 'mlp', hidden: [4] }, epochs: 1, out: 'model' }));
    const trained = await dl(['train', 'run.json']);
    expect(trained.code, trained.stderr).toBe(0);
    const model = join(dir, 'model');
    const checkpoint = join(dir, 'model.checkpoint');
    const file = join(checkpoint, 'checkpoint.json');
    const header = JSON.parse(await readFile(file, 'utf8')) as { data: { job: { options: { overwrite?: boolean; config: { out: string } } } } };
    expect(header.data.job.options.config.out).toBe(model);
    header.data.job.options.overwrite = true;
    await writeFile(file, JSON.stringify(header));
    const weights = (await stat(join(model, 'weights.bin'))).mtimeMs;

    const refused = await dl(['train', '--resume', checkpoint]);
    expect([refused.code, refused.stderr.trim().split('\n')]).toEqual([
      1,
      [`dl: note: the run resumed from ${checkpoint} writes its model to ${model}`, `dl: OUTPUT_EXISTS: ${model} already holds a model (dlkit.json); choose another folder or replace it (try --force)`],
    ]);
    expect((await stat(join(model, 'weights.bin'))).mtimeMs).toBe(weights);

    const forced = await dl(['train', '--resume', checkpoint, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`dl: note: the run resumed from ${checkpoint} writes its model to ${model} (--force: a model already there is replaced)\n`);
    expect((await stat(join(model, 'weights.bin'))).mtimeMs).not.toBe(weights);
  });
});
