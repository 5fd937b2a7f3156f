import { z } from 'zod';
import { DlError, nearestName } from '@dlkit/core';
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
    const nearest = nearestName(name.trim(), labels);
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
