import { describe, expect, it } from 'vitest';
import { allTaskFlags, taskFlags } from './flags.js';
import { BATCH_TASKS, domainOf, resolveBatchTask } from './tasks.js';

const flagNames = (name: string) => taskFlags(resolveBatchTask(name).definition).map((flag) => flag.name);

describe('dl batch tasks, from the domains\' TASKS tables', () => {
  it('resolves a task by its name, an alias (vision first for classify) or the old batch name', () => {
    const task = (name: string) => {
      const { definition, model } = resolveBatchTask(name);
      return [definition.task, model];
    };
    expect(task('classify')).toEqual(['image-classification', undefined]);
    expect(task('image-classification')).toEqual(['image-classification', undefined]);
    expect(task('text-classification')).toEqual(['text-classification', undefined]);
    expect(task('detect')).toEqual(['object-detection', undefined]);
    expect(task('sentiment')).toEqual(['sentiment-analysis', undefined]);
    expect(task('summarize')).toEqual(['summarization', undefined]);
    expect(task('transcribe')).toEqual(['automatic-speech-recognition', undefined]);
    expect(task('vad')).toEqual(['voice-activity-detection', undefined]);
    expect(task('summarize-extractive')).toEqual(['summarization', 'textrank']);
    expect(() => resolveBatchTask('detcet')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', parameter: 'task', hint: { kind: 'did-you-mean', value: 'detect' } }));
    // Inherited properties are not task names.
    expect(() => resolveBatchTask('constructor')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('runs every row whose input is an image, a text or audio, each through a domain package a pool thread can load', () => {
    expect(BATCH_TASKS.length).toBeGreaterThanOrEqual(8);
    for (const row of BATCH_TASKS) {
      expect(['image', 'text', 'audio']).toContain(row.input);
      expect(['vision', 'nlp', 'speech']).toContain(domainOf(row));
    }
  });

  it("gives each task its schemas' option flags, without the ones the command sets or only a program can pass", () => {
    expect(flagNames('detect')).toEqual(expect.arrayContaining(['max-pixels', 'threshold', 'iou', 'classes', 'agnostic', 'max-detections']));
    expect(flagNames('classify')).toEqual(expect.arrayContaining(['max-pixels', 'threads', 'batch-size', 'top-k']));
    expect(flagNames('classify')).not.toContain('threshold');
    expect(flagNames('summarize')).toEqual(expect.arrayContaining(['sentences', 'ratio', 'max-length']));
    for (const row of BATCH_TASKS) {
      const names = taskFlags(row).map((flag) => flag.name);
      for (const never of ['allow-urls', 'allow-stdin', 'allow-private-hosts', 'signal', 'on-progress']) expect(names, row.task).not.toContain(never);
    }
  });

  it('gives a flag name one kind across all the tasks, so one parser reads every task\'s flags', () => {
    const kinds = new Map<string, string>();
    for (const flag of BATCH_TASKS.flatMap(taskFlags)) {
      expect(kinds.get(flag.name) ?? flag.kind, flag.name).toBe(flag.kind);
      kinds.set(flag.name, flag.kind);
    }
    expect(allTaskFlags().map((flag) => flag.name).sort()).toEqual([...kinds.keys()].sort());
    expect(allTaskFlags().find((flag) => flag.name === 'top-k')?.aliases).toContain('topk');
    // The task commands' older spellings too (dl vision detect --max).
    expect(taskFlags(resolveBatchTask('detect').definition).find((flag) => flag.name === 'max-detections')?.aliases).toContain('max');
  });
});
