import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listEmbeddedModels, loadLocalModel } from '@dlkit/core';
import { describe, expect, it } from 'vitest';
import '@dlkit/nlp';
import '@dlkit/speech';
import '@dlkit/vision';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(fileURLToPath(new URL(path, ROOT)), 'utf8');

describe('supply chain (offline checks; pnpm audit needs the registry audit endpoint, refused here)', () => {
  it('every package in pnpm-lock.yaml comes from the registry with an integrity hash, and .ci/run installs it frozen', () => {
    const lock = read('pnpm-lock.yaml');
    const resolutions = [...lock.matchAll(/^ {4}resolution: (.*)$/gm)].map((m) => m[1]!);
    expect(resolutions.length).toBeGreaterThan(100);
    // No git, tarball-URL or directory dependencies: each one pinned by its sha512.
    expect(resolutions.filter((r) => !/^\{integrity: sha512-[A-Za-z0-9+/]+=*\}$/.test(r))).toEqual([]);
    expect(read('.ci/run')).toMatch(/pnpm@12\.4\.2 install --frozen-lockfile/);
  });

  it('no dependency install script may run: every one named in allowBuilds is refused', () => {
    const workspace = read('pnpm-workspace.yaml');
    const section = workspace.slice(workspace.indexOf('allowBuilds:'));
    const entries = [...section.matchAll(/^ {2}('?[@\w./-]+'?): (\w+)$/gm)].map((m) => [m[1], m[2]]);
    expect(entries.length).toBeGreaterThan(5);
    expect(entries.filter(([, allowed]) => allowed !== 'false')).toEqual([]);
  });

  it('every embedded model loads with each of its files checked against the sha256 in its manifest', async () => {
    const models = listEmbeddedModels();
    expect(models.map((m) => m.name)).toEqual(expect.arrayContaining(['mobilenetv2', 'digits', 'centernet', 'face-api', 'sentiment', 'speech-digits']));
    for (const model of models) {
      const loaded = await loadLocalModel({ kind: 'embedded', name: model.name });
      expect(Object.keys(loaded.manifest.sha256).length, model.name).toBeGreaterThan(0);
      for (const file of Object.values(loaded.manifest.files)) expect(loaded.manifest.sha256[file], `${model.name}: ${file}`).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
