import { describe, expect, it } from 'vitest';
import { probeTfjsBackends, selectTfjsBackend } from './tfjs.js';

describe('tfjs backend selection', () => {
  it('chooses the fastest backend that loads, with a reason for each one skipped', async () => {
    const { backend, candidates, tf } = await selectTfjsBackend(undefined);
    expect(tf.getBackend()).toBe(backend === 'node' || backend === 'node-gpu' ? 'tensorflow' : backend);
    const chosenAt = candidates.findIndex((c) => c.name === backend);
    expect(chosenAt).toBe(candidates.length - 1);
    for (const skipped of candidates.slice(0, chosenAt)) {
      expect(skipped.available).toBe(false);
      expect(skipped.reason).toBeTruthy();
    }
  });

  it('refuses a forced backend that cannot load, or an unknown one, with BACKEND_UNAVAILABLE', async () => {
    const probe = await probeTfjsBackends();
    const missing = probe.find((c) => !c.available);
    if (missing !== undefined) {
      await expect(selectTfjsBackend(missing.name)).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    }
    await expect(selectTfjsBackend('tpu')).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });

  it('names the npm install command, with the versions core declares, for each backend whose package is absent', async () => {
    const expected: Record<string, string> = {
      'node-gpu': 'npm install @tensorflow/tfjs-node-gpu@4.22.0',
      node: 'npm install @tensorflow/tfjs-node@4.22.0',
      webgpu: 'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0',
    };
    for (const c of await probeTfjsBackends()) {
      if (c.available || !/is not installed$/.test(c.reason ?? '')) continue;
      expect(c.install, c.name).toBe(expected[c.name]);
    }
  });

  it('forces cpu when asked', async () => {
    const { backend, tf } = await selectTfjsBackend('cpu');
    expect(backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
