import { parseArgs } from 'node:util';
import { UsageError } from '../cli-error.js';
import { commandName, type CommandSpec, type FlagSpec, type ParsedCommand } from './spec.js';

/** The flags every command takes. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'json', kind: 'boolean', description: 'one JSON object per line on stdout: {"input": ..., "output": ...} (or "error": {code, message, hint})' },
  { name: 'backend', kind: 'string', value: 'NAME', description: 'force a tfjs backend: node-gpu, node, wasm, webgpu or cpu (or DL_BACKEND)' },
  { name: 'help', kind: 'boolean', description: "this command's help" },
  { name: 'version', kind: 'boolean', description: 'the version' },
];

const SHORT: Record<string, string> = { help: 'h', version: 'v' };

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

function parseArgsOptions(flags: readonly FlagSpec[]): ParseArgsOptions {
  const options: ParseArgsOptions = {};
  for (const flag of flags) {
    const spec = { type: flag.kind === 'boolean' ? 'boolean' : 'string', ...(flag.multiple ? { multiple: true } : {}) } as const;
    options[flag.name] = { ...spec, ...(SHORT[flag.name] ? { short: SHORT[flag.name] } : {}) };
    for (const alias of flag.aliases ?? []) options[alias] = spec;
    // A task's boolean option may default to true (`rejectAnimals`): `--no-reject-animals` turns it off.
    if (flag.kind === 'boolean' && flag.option) options[`no-${flag.name}`] = { type: 'boolean' };
  }
  return options;
}

/** A mistyped command or flag, answered with the nearest one (worked out only then: core is slow to load). */
export class Mistyped extends UsageError {
  constructor(
    readonly what: 'command' | 'option',
    readonly given: string,
    readonly candidates: readonly string[],
  ) {
    super(`unknown ${what} '${given}'`);
  }

  async withSuggestion(): Promise<string> {
    const { nearestName } = await import('@dlkit/core');
    const nearest = nearestName(this.given, this.candidates, 3);
    return nearest === undefined ? this.message : `${this.message} (did you mean '${nearest}'?)`;
  }
}

/** parseArgs's own messages are paragraphs; ours are one line (an unknown flag with the nearest one). */
function parseError(error: unknown, flags: readonly FlagSpec[]): Error {
  const e = error as { code?: string; message?: string };
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-[^']*)'/.exec(e.message ?? '')?.[1];
    if (given !== undefined) return new Mistyped('option', given.split('=')[0]!, flags.map((f) => `--${f.name}`));
  }
  if (e.code?.startsWith('ERR_PARSE_ARGS')) return new UsageError((e.message ?? '').split('\n')[0]!);
  return error as Error;
}

/**
 * The command line parsed against one command's flags (and the common ones), strictly: a flag the command does not
 * take is a usage error naming the nearest one it does. Aliases are filed under their flag's name.
 */
export function parseCommand(command: CommandSpec, argv: readonly string[]): ParsedCommand {
  const flags = [...command.flags, ...COMMON_FLAGS];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: parseArgsOptions(flags), allowPositionals: true, strict: true });
  } catch (error) {
    throw parseError(error, flags);
  }
  const values: Record<string, string | boolean | string[] | undefined> = {};
  const spelled: Record<string, string> = {};
  for (const flag of flags) {
    const negative = flag.kind === 'boolean' && flag.option ? [`no-${flag.name}`] : [];
    for (const spelling of [flag.name, ...(flag.aliases ?? []), ...negative]) {
      const raw = parsed.values[spelling] as string | boolean | string[] | undefined;
      const value = negative.includes(spelling) && raw !== undefined ? !raw : raw;
      if (value === undefined) continue;
      if (values[flag.name] !== undefined) throw new UsageError(`--${spelled[flag.name]} and --${spelling} are the same flag: give it once`);
      values[flag.name] = value;
      spelled[flag.name] = spelling;
    }
  }
  const positionals = parsed.positionals.slice(command.words.length);
  if (parsed.positionals.slice(0, command.words.length).join(' ') !== commandName(command)) {
    throw new UsageError(`the command words (${commandName(command)}) come before its inputs`);
  }
  return { command, positionals, values, spelled, json: values.json === true };
}
