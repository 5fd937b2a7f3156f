import type { z } from 'zod';
import { DlError } from '../errors.js';

/**
 * `value` checked against a task's option schema, once, at the boundary: a wrong key or value is one
 * `INVALID_ARGUMENT` that names the option (`topK must be ...`), so the CLI can name its flag and the demo its field.
 */
export function parseOptions<S extends z.ZodObject>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const parameter = unknownKey ?? (issue.path.length > 0 ? issue.path.map(String).join('.') : undefined);
  const known = Object.keys(schema.shape);
  const message =
    unknownKey !== undefined
      ? `${what} takes no option '${unknownKey}'${known.length > 0 ? ` (it takes: ${known.join(', ')})` : ' (it takes none)'}`
      : `${what}: ${parameter ?? 'options'}: ${issue.message}`;
  throw new DlError('INVALID_ARGUMENT', message, parameter === undefined ? {} : { parameter });
}
