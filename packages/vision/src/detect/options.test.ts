import { describe, expect, it } from 'vitest';
import { isDlError } from '@dlkit/core';
import { checkDetectOptions, resolveClasses } from './options.js';

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
    expect((thrown(() => resolveClasses(['trafic-light'], COCO_SOME)) as Error).message).toMatch(/did you mean 'traffic light'/);
    expect(isDlError(thrown(() => resolveClasses([], COCO_SOME)), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('keeps names as given when the model lists no labels', () => {
    expect(resolveClasses(['anything'], [])).toEqual(['anything']);
  });

  it('checks the numbers at the boundary', () => {
    expect(checkDetectOptions({ threshold: 0.5, classes: ['CAR'], agnostic: true }, COCO_SOME)).toEqual({ threshold: 0.5, classes: ['car'], agnostic: true });
    for (const bad of [{ threshold: 2 }, { iou: -1 }, { maxDetections: 0 }, { threshold: Number.NaN }, { agnostic: 'yes' as unknown as boolean }]) {
      const error = thrown(() => checkDetectOptions(bad, COCO_SOME));
      expect(isDlError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
