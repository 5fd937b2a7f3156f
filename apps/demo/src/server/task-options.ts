import { parseOptions, type AnyTaskDefinition } from '@dlkit/core';
import type { z } from 'zod';
import { SERVER_LIMITS } from './limits.js';

/** The innermost schema of a field (under optional, default, readonly), where its type is. */
function innermost(schema: z.ZodType): z.ZodType {
  let inner = schema;
  for (let def = inner.def as { innerType?: z.ZodType }; def.innerType !== undefined; def = inner.def as { innerType?: z.ZodType }) inner = def.innerType;
  return inner;
}

/**
 * Options that multiply the work of one request past what the server's limits bound: Whisper's temperature
 * fallback decodes a window again at up to 11 temperatures, and each of up to 16 beams holds its own copy of the
 * decoder's cache.
 */
const COSTLY_OPTIONS = new Set(['temperature', 'beams']);

/**
 * The call options a request may set for `task`: the task's own schema less the limits this server fixes (so
 * that `maxSeconds=100000` is refused by name like any option the task does not take), less the costly ones and
 * less the library-only ones (a signal, a callback: no request can carry one).
 */
export function requestOptionsSchema(task: AnyTaskDefinition): z.ZodObject {
  const shape = task.callOptions.shape as Record<string, z.ZodType>;
  const left = Object.keys(shape).filter((key) => key in SERVER_LIMITS || COSTLY_OPTIONS.has(key) || innermost(shape[key]!).def.type === 'custom');
  const mask = Object.fromEntries(left.map((key) => [key, true])) as Parameters<typeof task.callOptions.omit>[0];
  return left.length === 0 ? task.callOptions : task.callOptions.omit(mask);
}

/** Decimal numbers only: `Number()` took "0x10" as 16, "1e1" as 10, " 2" and [2] as 2, none of which anyone typed. */
const DECIMAL = /^-?(\d{1,16}(\.\d*)?|\.\d+)$/;

/**
 * A form field or query value (always a string) as the JSON value the schema expects, where it spells one:
 * decimal numbers, true/false/1/0, comma-separated lists. Anything else is left as it is for the schema to refuse.
 */
function fromText(schema: z.ZodType, value: unknown): unknown {
  const inner = innermost(schema);
  const type = inner.def.type;
  if (type === 'array') {
    const element = (inner.def as unknown as { element: z.ZodType }).element;
    const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
    return items === undefined ? value : items.map((item) => fromText(element, item));
  }
  if (typeof value !== 'string') return value;
  if (type === 'number' && DECIMAL.test(value)) return Number(value);
  if (type === 'boolean' && ['true', '1', 'false', '0'].includes(value)) return value === 'true' || value === '1';
  return value;
}

/**
 * A request's options for `task` (query parameters, or the fields of a JSON body) checked against the task's
 * schema, once: an unknown field or a bad value is INVALID_ARGUMENT (400) naming it.
 */
export function requestOptions(task: AnyTaskDefinition, given: Record<string, unknown>): Record<string, unknown> {
  const schema = requestOptionsSchema(task);
  const shape = schema.shape as Record<string, z.ZodType>;
  const values = Object.fromEntries(
    Object.entries(given)
      // An empty query value (`?topK=`) is a field left blank: the default.
      .filter(([, value]) => value !== '')
      .map(([key, value]) => [key, shape[key] === undefined ? value : fromText(shape[key], value)]),
  );
  return parseOptions(schema, values, task.task) as Record<string, unknown>;
}
