import { describe, expect, it } from 'vitest';
import { isDlError, parseOptions } from '@dlkit/core';
import { detectionCallOptions } from '../tasks.js';
import { resolveClasses } from './options.js';

const COCO_SOME = ['person', 'bicycle', 'car', 'truck', 'cat', 'dog', 'traffic light', 'dining table'];

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('detect options', () => {
  it('matches class names case-insensitively and returns the model spelling', () => {
    expect(resolveClasses(['Person', ' DOG ', 'Traffic Light'], COCO_SOME)).toEqual(['person', 'dog', 'traffic light']);
  });

  it('refuses an unknown class as INVALID_ARGUMENT naming the nearest label', () => {
    const error = thrown(() => resolveClasses(['person', 'persn'], COCO_SOME));
    expect(isDlError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe("unknown class 'persn' (did you mean 'person'?)");
    expect(error).toMatchObject({ parameter: 'classes', hint: { kind: 'did-you-mean', value: 'person' } });
    expect((thrown(() => resolveClasses(['trafic-light'], COCO_SOME)) as Error).message).toMatch(/did you mean 'traffic light'/);
    expect(isDlError(thrown(() => resolveClasses([], COCO_SOME)), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('keeps names as given when the model lists no labels', () => {
    expect(resolveClasses(['anything'], [])).toEqual(['anything']);
  });

  it('checks the numbers at the boundary, naming the option', () => {
    expect(parseOptions(detectionCallOptions, { threshold: 0.5, classes: ['CAR'], agnostic: true }, 'object-detection')).toEqual({ threshold: 0.5, classes: ['CAR'], agnostic: true });
    // The command line's text for tiles (`--tiles 768`, `--tiles true`) is read as the value it spells.
    for (const [text, value] of [['768', 768], ['true', true], ['false', false], ['auto', 'auto']] as const) {
      expect(parseOptions(detectionCallOptions, { tiles: text }, 'object-detection')).toEqual({ tiles: value });
    }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ threshold: 2 }, 'threshold'],
      [{ iou: -1 }, 'iou'],
      [{ maxDetections: 0 }, 'maxDetections'],
      [{ threshold: Number.NaN }, 'threshold'],
      [{ agnostic: 'yes' }, 'agnostic'],
      [{ keepImage: true }, 'keepImage'],
      [{ tiles: 64 }, 'tiles'],
      [{ tiles: 'yes' }, 'tiles'],
    ];
    for (const [bad, parameter] of cases) {
      const error = thrown(() => parseOptions(detectionCallOptions, bad, 'object-detection'));
      expect(isDlError(error, 'INVALID_ARGUMENT') && error.parameter, JSON.stringify(bad)).toBe(parameter);
    }
  });
});
