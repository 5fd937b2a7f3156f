import type { z } from 'zod';
import { UsageError } from '../cli-error.js';
import { typedFlag, type FlagKind, type FlagSpec, type ParsedCommand } from './spec.js';

/** A library option's flag: kebab-case of its name (`topK` -> `top-k`, `maxPixels` -> `max-pixels`). */
export const flagName = (option: string): string => option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The spelling of a multi-word option run together (`topk`, `maxpixels`): what the CLI took before its flags came
 * from the schemas (`--topk`), still accepted so existing scripts keep working.
 */
const runTogether = (option: string): string | undefined => (/[A-Z]/.test(option) ? option.toLowerCase() : undefined);

/** Wrappers that do not change what a flag's value is (`.optional()`, `.readonly()`, `.default()`). */
const WRAPPERS = new Set(['optional', 'readonly', 'default', 'nullable', 'prefault']);

interface Unwrapped {
  type: string;
  isInt: boolean;
  min: number | undefined;
  max: number | undefined;
  options: readonly string[] | undefined;
  description: string | undefined;
}

/** What a schema is under its wrappers, read through zod 4's `def`. */
function unwrap(schema: z.ZodType): Unwrapped {
  let inner = schema as z.ZodType & { def: { type: string; innerType?: z.ZodType } };
  let description = schema.description;
  while (WRAPPERS.has(inner.def.type) && inner.def.innerType) {
    inner = inner.def.innerType as typeof inner;
    description ??= inner.description;
  }
  const n = inner as unknown as { isInt?: boolean; minValue?: number | null; maxValue?: number | null; options?: unknown[] };
  const options = inner.def.type === 'enum' && Array.isArray(n.options) ? n.options.map(String) : undefined;
  return { type: inner.def.type, isInt: n.isInt === true, min: n.minValue ?? undefined, max: n.maxValue ?? undefined, options, description };
}

function kindOf(u: Unwrapped): FlagKind {
  if (u.type === 'boolean') return 'boolean';
  if (u.type === 'number') return u.isInt ? 'int' : 'number';
  if (u.type === 'array') return 'list';
  return 'string';
}

const PLACEHOLDER: Record<FlagKind, string> = { boolean: '', string: 'TEXT', int: 'N', number: 'F', list: 'A,B' };

export interface SchemaFlagOptions {
  where: 'load' | 'call';
  /** Options that get no flag: the CLI sets them itself (`allowUrls`) or another flag covers them. */
  exclude?: readonly string[];
  /** Older spellings of an option's flag besides the run-together one, by option name (`maxDetections: ['max']`). */
  aliases?: Readonly<Record<string, readonly string[]>>;
}

/** The flags of a task's option schema: one per option, named, typed and described from the schema. */
export function flagsFromSchema(schema: z.ZodObject, options: SchemaFlagOptions): FlagSpec[] {
  const flags: FlagSpec[] = [];
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (options.exclude?.includes(name)) continue;
    const u = unwrap(field);
    // Functions and signals (`onProgress`, `signal`) are for library callers: a command line has no value for them.
    if (u.type === 'custom' || u.type === 'function') continue;
    const kind = kindOf(u);
    const aliases = [runTogether(name), ...(options.aliases?.[name] ?? [])].filter((a): a is string => a !== undefined && a !== flagName(name));
    flags.push({
      name: flagName(name),
      kind,
      description: u.description ?? '',
      value: u.options ? u.options.join('|') : PLACEHOLDER[kind],
      ...(aliases.length > 0 ? { aliases } : {}),
      option: { name, where: options.where, schema: field },
    });
  }
  return flags;
}

const DECIMAL_INT = /^[0-9]{1,15}$/;
const DECIMAL_NUMBER = /^-?[0-9]{1,15}(\.[0-9]{1,15})?$/;

/** A flag's text as the value its kind says; text that is not one is a usage error naming the flag as typed. */
function fromText(flag: FlagSpec, text: string | boolean | string[], typed: string): unknown {
  if (flag.kind === 'boolean' || typeof text !== 'string') return text;
  if (flag.kind === 'int') {
    if (!DECIMAL_INT.test(text)) throw new UsageError(`${typed} must be an integer in decimal digits, got '${text}'`);
    return Number(text);
  }
  if (flag.kind === 'number') {
    if (!DECIMAL_NUMBER.test(text)) throw new UsageError(`${typed} must be a decimal number like 0.5, got '${text}'`);
    return Number(text);
  }
  if (flag.kind === 'list') {
    const items = text.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new UsageError(`${typed} needs at least one value (a,b,...)`);
    return items;
  }
  return text;
}

/** Why a value fails its schema, in the CLI's words (`--top-k must be between 1 and 1000, got 5000`). */
function schemaProblem(schema: z.ZodType, value: unknown, typed: string): string | undefined {
  const checked = schema.safeParse(value);
  if (checked.success) return undefined;
  const u = unwrap(schema);
  const got = `got ${JSON.stringify(value)}`;
  if (u.type === 'number' && u.min !== undefined && u.max !== undefined) return `${typed} must be between ${u.min} and ${u.max}, ${got}`;
  if (u.type === 'number' && u.min !== undefined) return `${typed} must be at least ${u.min}, ${got}`;
  if (u.type === 'number' && u.max !== undefined) return `${typed} must be at most ${u.max}, ${got}`;
  if (u.options) return `${typed} must be one of ${u.options.join(', ')}, ${got}`;
  return `${typed}: ${checked.error.issues[0]?.message ?? 'invalid value'}, ${got}`;
}

/**
 * The task options given on the command line, by their library names and checked against their schemas (load or
 * call options, `where`): `--top-k 3` -> `{ topK: 3 }`. A bad value is a usage error (exit 2) naming the flag.
 */
export function optionsFromFlags(flags: readonly FlagSpec[], parsed: Pick<ParsedCommand, 'values' | 'spelled'>, where: 'load' | 'call'): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const flag of flags) {
    const text = parsed.values[flag.name];
    if (flag.option?.where !== where || text === undefined) continue;
    const typed = typedFlag(parsed, flag.name);
    const value = fromText(flag, text, typed);
    const problem = schemaProblem(flag.option.schema, value, typed);
    if (problem !== undefined) throw new UsageError(problem);
    options[flag.option.name] = value;
  }
  return options;
}

/** The flag that sets a library option (`language` -> `--language`), to word a library's INVALID_ARGUMENT. */
export function flagForOption(flags: readonly FlagSpec[], parameter: string): FlagSpec | undefined {
  const name = parameter.split('.')[0]!;
  return flags.find((f) => f.option?.name === name);
}
