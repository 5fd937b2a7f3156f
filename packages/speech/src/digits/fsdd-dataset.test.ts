import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainConfigSchema } from '@dlkit/core';
import { testDataset } from '@dlkit/core/testing';
import '../index.js';
import { DIGIT_FEATURES, DIGIT_WORDS } from './features.js';
import { fsddDataset } from './fsdd-dataset.js';

const FSDD = testDataset('fsdd');

// The registry's whole fsdd:test (250 takes) is read end to end by packages/cli/src/evaluate.test.ts.
describe('the fsdd-wav loader', () => {
  it.skipIf(!FSDD)("take 0 of every digit and speaker (50 real recordings) as the speech-digits model's log-mel input", async () => {
    const dataset = await fsddDataset(join(FSDD!, 'recordings'), [0, 0]);
    expect([dataset.size, dataset.featureShape]).toEqual([50, [DIGIT_FEATURES.frames, DIGIT_FEATURES.mels, 1]]);
    expect(dataset.classes).toEqual([...DIGIT_WORDS]);
    expect(dataset.inputs!.every((path) => /\/\d_[a-z]+_0\.wav$/.test(path))).toBe(true);
    // Labels follow the file names; each word is normalised over its frames (real features, not silence).
    expect(Array.from(dataset.labels)).toEqual(dataset.inputs!.map((path) => Number(/\/(\d)_/.exec(path)![1])));
    const features = await dataset.read([0, 49]);
    expect(features.some((v) => Math.abs(v) > 1)).toBe(true);
  });

  it("a range of takes beyond FSDD's 0-49, or reversed, is refused before any file is read", () => {
    const parses = (takes: number[]) => trainConfigSchema.safeParse({ data: { type: 'fsdd-wav', path: 'r', takes }, model: { architecture: 'cnn' } }).success;
    expect([parses([0, 50]), parses([5, 4]), parses([5, 49])]).toEqual([false, false, true]);
  });
});
