import { DlError, nearestName } from '@dlkit/core';

/**
 * Class names as the model spells them, matched case-insensitively. An unknown name is `INVALID_ARGUMENT` on
 * `classes` with the nearest label as a did-you-mean hint: a typo must not silently filter everything out. With
 * no labels known (a hub model without id2label) the names are kept as given.
 */
export function resolveClasses(requested: readonly string[], labels: readonly string[]): string[] {
  if (requested.length === 0) {
    throw new DlError('INVALID_ARGUMENT', 'classes is empty: name at least one label, or leave it out for all', { parameter: 'classes' });
  }
  if (labels.length === 0) return [...requested];
  const byLower = new Map(labels.map((label) => [label.toLowerCase(), label]));
  return requested.map((name) => {
    const label = byLower.get(name.trim().toLowerCase());
    if (label !== undefined) return label;
    const nearest = nearestName(name.trim(), labels);
    throw new DlError('INVALID_ARGUMENT', `unknown class '${name}'${nearest ? ` (did you mean '${nearest}'?)` : ''}`, {
      parameter: 'classes',
      ...(nearest ? { hint: { kind: 'did-you-mean', value: nearest } } : {}),
    });
  });
}
