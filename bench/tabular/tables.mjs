// Shared by run.mjs and tune.mjs: a registered sklearn set read whole, and the mean / sd of per-seed figures.
import { join } from 'node:path';
import { datasetEntry, ensureDataset, readSklearnTable } from '@dlkit/core';

/** The whole table of a registered sklearn set (its train split's config without the holdout: every row). */
export async function wholeTable(name) {
  const { holdout: _, ...config } = datasetEntry(name).splits.train;
  const dir = await ensureDataset(name);
  return readSklearnTable(config, (path) => join(dir, path));
}

export const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const sd = (xs) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
