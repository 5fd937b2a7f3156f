import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DlError, isDlError } from '../errors.js';
import { createPipeline } from './pipeline.js';
import { defineTask, findTask, pipelineFactory } from './registry.js';
import type { Settled } from './task.js';

// The contract's wiring, on a runner that upper-cases strings (no model: what is checked is the wrapper).
const upper = defineTask({
  task: 'upper-case',
  aliases: ['upper'],
  domain: 'nlp',
  summary: 'upper-cases text (contract test)',
  defaultModel: 'none',
  offline: true,
  input: 'text',
  output: 'string',
  loadOptions: z.strictObject({ fail: z.string().optional() }),
  callOptions: z.strictObject({ times: z.number().int().min(1).max(3).optional() }),
  async load(model, options) {
    let disposals = 0;
    return {
      model,
      device: 'cpu',
      async run(inputs: readonly string[], call: { times?: number | undefined }): Promise<Array<Settled<string>>> {
        if (options.fail !== undefined && inputs.includes(options.fail)) throw new Error('foreign failure');
        return inputs.map((text) =>
          text === '' ? { ok: false, error: new DlError('INPUT_UNSUPPORTED', 'empty text') } : { ok: true, value: text.toUpperCase().repeat(call.times ?? 1) },
        );
      },
      async dispose() {
        disposals += 1;
        if (disposals > 1) throw new Error('disposed twice');
      },
    };
  },
});

const pipeline = pipelineFactory([upper]);

describe('the pipeline contract (wiring, on a runner without a model)', () => {
  it('answers one input with one result and an array with an array in order', async () => {
    const p = await pipeline('upper-case');
    expect(await p('ab')).toBe('AB');
    expect(await p(['a', 'b'], { times: 2 })).toEqual(['AA', 'BB']);
    expect([p.task, p.model, p.device]).toEqual(['upper-case', 'none', 'cpu']);
  });

  it('settles each input alone in each(), and throws the failed input from an array call', async () => {
    const p = await pipeline('upper', 'my-model');
    expect(p.model).toBe('my-model');
    const results = await p.each(['ok', '']);
    expect(results[0]).toEqual({ ok: true, value: 'OK' });
    expect(results[1]!.ok === false && results[1]!.error.code).toBe('INPUT_UNSUPPORTED');
    await expect(p(['ok', ''])).rejects.toMatchObject({ code: 'INPUT_UNSUPPORTED' });
  });

  it('refuses an unknown or out-of-range option with INVALID_ARGUMENT naming it', async () => {
    const p = await pipeline('upper-case');
    await expect(p('a', { times: 9 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'times' });
    await expect(p('a', { topk: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'topk' });
    await expect(pipeline('upper-case', undefined, { threads: 2 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', parameter: 'threads' });
  });

  it('disposes once however often dispose() is called, and refuses calls after it with DISPOSED', async () => {
    const p = await pipeline('upper-case');
    await Promise.all([p.dispose(), p.dispose()]);
    await p.dispose();
    await expect(p('a')).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(p.each(['a'])).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('turns a foreign error from the model into MODEL_RUNTIME naming the model', async () => {
    const p = await pipeline('upper-case', 'flaky', { fail: 'x' });
    const error = await p('x').catch((e: unknown) => e);
    expect(isDlError(error, 'MODEL_RUNTIME')).toBe(true);
    expect((error as DlError).message).toContain('flaky');
  });

  it('names the nearest task for a misspelt one', () => {
    expect(() => findTask([upper], 'uper-case')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', parameter: 'task', hint: { kind: 'did-you-mean', value: 'upper-case' } }));
  });

  it('wraps a runner directly with createPipeline', async () => {
    const runner = await upper.load('direct', {});
    const p = createPipeline(upper, runner);
    expect(await p('q')).toBe('Q');
  });
});

describe('isDlError', () => {
  it('recognises an error of another copy of @dlkit/core by its Symbol.for marker, not by instanceof', () => {
    const foreign = Object.assign(new Error('from a second copy'), { code: 'MODEL_OFFLINE', [Symbol.for('dlkit.error')]: true });
    expect(isDlError(foreign)).toBe(true);
    expect(isDlError(foreign, 'MODEL_OFFLINE')).toBe(true);
    expect(isDlError(foreign, 'DISPOSED')).toBe(false);
    expect(isDlError(Object.assign(new Error('x'), { code: 'MODEL_OFFLINE' }))).toBe(false);
  });
});
