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

  it('forces cpu when asked', async () => {
    const { backend, tf } = await selectTfjsBackend('cpu');
    expect(backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
