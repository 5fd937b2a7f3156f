import { describe, expect, it } from 'vitest';
import { importOptional } from './optional-dependency.js';

describe('optional peers', () => {
  it("a missing peer is DEPENDENCY_MISSING naming the npm install command of the version core's package.json pins", async () => {
    // Node's own error for an import of a package that is not installed, as the import of a real missing package gives it.
    const notInstalled = () => import(/* @vite-ignore */ ['@dlkit', 'no-such-package'].join('/'));
    const nodeError = await notInstalled().catch((error: unknown) => error as Error & { code: string });
    const asIfTransformers = Object.assign(new Error(nodeError.message.replace('@dlkit/no-such-package', '@huggingface/transformers')), { code: nodeError.code });
    await expect(importOptional('@huggingface/transformers', () => Promise.reject(asIfTransformers))).rejects.toMatchObject({
      code: 'DEPENDENCY_MISSING',
      message: expect.stringContaining('npm install @huggingface/transformers@4.3.1'),
      hint: { kind: 'install', what: '@huggingface/transformers@4.3.1' },
    });
  });

  it("an import that fails on another package's name (a dependency of the peer, a broken install) keeps its own error", async () => {
    const broken = () => import(/* @vite-ignore */ ['@dlkit', 'no-such-package'].join('/'));
    await expect(importOptional('onnxruntime-node', broken)).rejects.toMatchObject({ code: 'ERR_MODULE_NOT_FOUND', message: expect.stringContaining('@dlkit/no-such-package') });
  });

  it('a present peer is returned as its import gives it', async () => {
    const converter = await importOptional('@tensorflow/tfjs-converter', () => import('@tensorflow/tfjs-converter'));
    expect(typeof converter.loadGraphModel).toBe('function');
  });
});
