import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { TASKS } from '@dlkit/vision/tasks';
import { flagForOption, flagName, flagsFromSchema, optionsFromFlags } from './schema-flags.js';
import { UsageError } from '../cli-error.js';

const parsed = (values: Record<string, string | boolean>, spelled: Record<string, string> = {}) => ({ values, spelled });

describe('flags from a task option schema', () => {
  const call = z.strictObject({
    topK: z.number().int().min(1).max(1000).optional().describe('labels per input'),
    threshold: z.number().min(0).max(1).optional().describe('lowest score kept'),
    classes: z.array(z.string()).min(1).readonly().optional().describe('labels to keep'),
    task: z.enum(['transcribe', 'translate']).optional(),
    agnostic: z.boolean().optional(),
    onProgress: z.custom<() => void>((v) => typeof v === 'function').optional(),
  });
  const flags = flagsFromSchema(call, { where: 'call', aliases: { topK: ['k'] } });

  it('names each option in kebab-case, types it from the schema, keeps its description, and accepts the run-together spelling', () => {
    expect(flagName('maxPixels')).toBe('max-pixels');
    expect(flags.map((f) => [f.name, f.kind, f.aliases ?? []])).toEqual([
      ['top-k', 'int', ['topk', 'k']],
      ['threshold', 'number', []],
      ['classes', 'list', []],
      ['task', 'string', []],
      ['agnostic', 'boolean', []],
    ]);
    expect(flags[0]!.description).toBe('labels per input');
    expect(flags[3]!.value).toBe('transcribe|translate');
  });

  it('turns flag text into library-named options checked by the schema', () => {
    const options = optionsFromFlags(flags, parsed({ 'top-k': '3', threshold: '0.25', classes: 'dog, cat', task: 'translate', agnostic: true }), 'call');
    expect(options).toEqual({ topK: 3, threshold: 0.25, classes: ['dog', 'cat'], task: 'translate', agnostic: true });
    expect(optionsFromFlags(flags, parsed({ 'top-k': '3' }), 'load')).toEqual({});
  });

  it('refuses what is not the flag\'s kind or bounds as a usage error naming the flag as typed', () => {
    const refused = (values: Record<string, string>, spelled: Record<string, string> = {}) => {
      try {
        optionsFromFlags(flags, parsed(values, spelled), 'call');
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refused({ 'top-k': '0x10' }, { 'top-k': 'topk' })).toBe("--topk must be an integer in decimal digits, got '0x10'");
    expect(refused({ 'top-k': '5000' })).toBe('--top-k must be between 1 and 1000, got 5000');
    expect(refused({ threshold: '1e-3' })).toBe("--threshold must be a decimal number like 0.5, got '1e-3'");
    expect(refused({ threshold: '2' })).toBe('--threshold must be between 0 and 1, got 2');
    expect(refused({ task: 'sing' })).toBe('--task must be one of transcribe, translate, got "sing"');
  });

  it('maps a library parameter back to its flag, as the vision rows declare them', () => {
    const detect = TASKS.find((t) => t.task === 'object-detection')!;
    const detectFlags = flagsFromSchema(detect.callOptions, { where: 'call' });
    expect(flagForOption(detectFlags, 'maxDetections')?.name).toBe('max-detections');
    expect(flagForOption(detectFlags, 'classes.0')?.name).toBe('classes');
  });
});
