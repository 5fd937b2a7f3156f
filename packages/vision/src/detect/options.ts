import { z } from 'zod';
import { DlError } from '@dlkit/core';
import type { DetectOptions } from './postprocess.js';

// What a caller may pass to detect(): checked once per call, before any image is decoded.
const detectOptionsSchema = z
  .object({
    threshold: z.number().min(0).max(1),
    iou: z.number().min(0).max(1),
    classes: z.array(z.string()).readonly(),
    maxDetections: z.number().int().positive(),
    agnostic: z.boolean(),
    keepImage: z.boolean(),
  })
  .partial();

/** Levenshtein distance, for suggesting the label a mistyped class name meant. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The label nearest to `name` by edit distance (the first of equals, in the model's order). */
export function nearestLabel(name: string, labels: readonly string[]): string | undefined {
  let best: { label: string; distance: number } | undefined;
  for (const label of labels) {
    const distance = editDistance(name.toLowerCase(), label.toLowerCase());
    if (!best || distance < best.distance) best = { label, distance };
  }
  return best?.label;
}

/**
 * Class names as the model spells them, matched case-insensitively. An unknown name is `INVALID_ARGUMENT` that
 * names the nearest label: a typo must not silently filter everything out. With no labels known (a hub model
 * without id2label) the names are kept as given.
 */
export function resolveClasses(requested: readonly string[], labels: readonly string[]): string[] {
  if (requested.length === 0) throw new DlError('INVALID_ARGUMENT', 'classes is empty: name at least one label, or leave it out for all');
  if (labels.length === 0) return [...requested];
  const byLower = new Map(labels.map((label) => [label.toLowerCase(), label]));
  return requested.map((name) => {
    const label = byLower.get(name.trim().toLowerCase());
    if (label !== undefined) return label;
    const nearest = nearestLabel(name.trim(), labels);
    throw new DlError('INVALID_ARGUMENT', `unknown class '${name}'${nearest ? ` (did you mean '${nearest}'?)` : ''}`);
  });
}

/** Checks a detect() call's options against the schema and the model's labels; `classes` come back canonical. */
export function checkDetectOptions<T extends DetectOptions>(options: T, labels: readonly string[]): T {
  const parsed = detectOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DlError('INVALID_ARGUMENT', `detect option ${issue.path.join('.') || '(options)'}: ${issue.message}`);
  }
  return options.classes ? { ...options, classes: resolveClasses(options.classes, labels) } : options;
}
