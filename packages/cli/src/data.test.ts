import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDataset } from '@dlkit/core/testing';
import { runDl } from './run-dl.test-helpers.js';

const cache = mkdtempSync(join(tmpdir(), 'dlkit-cli-data-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));
const dl = (args: string[], env: NodeJS.ProcessEnv = {}) => runDl(args, { env: { DL_CACHE: cache, DL_OFFLINE: '1', ...env }, timeoutMs: 60_000 });

describe('dl data (spawned, offline)', () => {
  it('list --json: every registered set with its task, size, licence and where it is here', async () => {
    const r = await dl(['data', 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; where: string; licence: string; bytes: number });
    expect(rows.map((row) => row.name)).toEqual(['mnist', 'mnist-cazala', 'fashion-mnist', 'fsdd', 'rt-polarity', 'breast-cancer', 'diabetes', 'wine', 'iris']);
    for (const row of rows) expect(row.licence.length, row.name).toBeGreaterThan(3);
    if (testDataset('rt-polarity')) expect(rows.find((row) => row.name === 'rt-polarity')?.where).toBe('mirror');
  });

  it('pull of a set that is not here, offline, is one DATASET_OFFLINE line saying how else to get it, exit 1', async () => {
    const r = await dl(['data', 'pull', 'mnist'], { DL_DATA_MIRROR: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DATASET_OFFLINE.*mnist.*DL_DATA_MIRROR/);
  });

  it.skipIf(!testDataset('rt-polarity'))('pull --json of a mirrored set says where it is, on stdout only; info names its splits', async () => {
    const r = await dl(['data', 'pull', '--json', 'rt-polarity']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ input: 'rt-polarity', output: { where: 'mirror', status: 'local' } });
    const info = await dl(['data', 'info', 'rt-polarity']);
    expect(info.stdout).toContain('rt-polarity:test');
    expect(info.stdout).toMatch(/here: mirror/);
  });

  it('an unknown name is one line with the nearest set, exit 1', async () => {
    const r = await dl(['data', 'info', 'fashon-mnist']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/INVALID_ARGUMENT.*did you mean 'fashion-mnist'/);
  });
});
