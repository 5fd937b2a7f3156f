import { z } from 'zod';
import { DlError, errorMessage } from '../errors.js';
import { readModelFile, type LoadedManifest } from './manifest.js';

const labelsSchema = z.array(z.string());

/**
 * The labels of a model folder (its `labels` file: a JSON array of strings, one per class), or none
 * when it has no such file (labels are then the class indexes). A file whose length is not the model's number
 * of outputs is refused: a label shifted by one names the wrong class, and one missing prints as a number.
 */
export async function loadLabels(loaded: LoadedManifest, classes: number | undefined): Promise<string[]> {
  const path = loaded.paths.labels;
  if (path === undefined) return [];
  let raw: unknown;
  try {
    raw = JSON.parse((await readModelFile(loaded, 'labels')).toString('utf8'));
  } catch (error) {
    if (error instanceof DlError) throw error;
    throw new DlError('MODEL_INVALID', `Labels file ${path} is not JSON: ${errorMessage(error)}`, { cause: error });
  }
  const labels = labelsSchema.safeParse(raw);
  if (!labels.success) throw new DlError('MODEL_INVALID', `Labels file ${path} must be a JSON array of strings, one per class`);
  if (classes !== undefined) checkLabelCount(labels.data, classes, path);
  checkLabelsDistinct(labels.data, path);
  return labels.data;
}

/** Refuses a label given to two outputs: an answer naming it could be either class, and evaluation would merge them. */
function checkLabelsDistinct(labels: readonly string[], path: string): void {
  const first = new Map<string, number>();
  for (const [i, label] of labels.entries()) {
    const earlier = first.get(label);
    if (earlier !== undefined) throw new DlError('MODEL_INVALID', `Labels file ${path} names two outputs ${JSON.stringify(label)} (${earlier} and ${i}): give each class its own label`);
    first.set(label, i);
  }
}

/** Refuses labels that do not match the model's output, naming both counts. */
export function checkLabelCount(labels: readonly string[], classes: number, path: string): void {
  if (labels.length !== classes) {
    throw new DlError('MODEL_INVALID', `Labels file ${path} gives ${labels.length} labels but the model's output has ${classes} classes: give one label per output`);
  }
}
