import type { z } from 'zod';
import type { Output } from '../output.js';

/**
 * How a flag's text becomes a value: `int` and `number` are decimal digits only (`0x10`, `1e3`, ` 5` refused),
 * `list` is comma-separated (`--classes dog,cat`), `string` is taken as it is (repeatable with `multiple`).
 */
export type FlagKind = 'boolean' | 'string' | 'int' | 'number' | 'list';

/** A task option a flag stands for: its library name and the schema that checks it (load or call options). */
export interface FlagOption {
  readonly name: string;
  readonly where: 'load' | 'call';
  readonly schema: z.ZodType;
}

/** One flag of a command, as the parser, the help and the option mapping read it. */
export interface FlagSpec {
  /** Kebab-case, without the dashes (`top-k`). */
  readonly name: string;
  readonly kind: FlagKind;
  /** One line for --help. */
  readonly description: string;
  /** The placeholder in --help (`N`, `FILE`); from the kind when absent. */
  readonly value?: string;
  /** Other spellings still accepted (`topk` for `top-k`), so scripts written for older versions keep working. */
  readonly aliases?: readonly string[];
  /** A string flag that may be given several times (`--text a --text b`). */
  readonly multiple?: boolean;
  /** Set when the flag is a task option: the name it has in the library. */
  readonly option?: FlagOption;
}

/** A command line as parsed against one command's flags. */
export interface ParsedCommand {
  readonly command: CommandSpec;
  readonly positionals: readonly string[];
  /** By canonical flag name (no dashes); an alias's value is filed under the flag it stands for. */
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** How the user spelled each flag given (`--topk`), so messages name what they typed. */
  readonly spelled: Readonly<Record<string, string>>;
  readonly json: boolean;
}

/** One entry of the command table: `dl <words...> <positional> [flags]`. */
export interface CommandSpec {
  /** The command words (`['vision', 'classify']`). */
  readonly words: readonly string[];
  /** One line for the overview and the top of its --help. */
  readonly summary: string;
  /** What goes after the words, for help (`<images...>`); empty when nothing does. */
  readonly positional: string;
  /** Its own flags; --json, --backend, --help and --version are every command's and are not listed here. */
  readonly flags: readonly FlagSpec[];
  /** More lines for its --help (defaults, the model, the output shape), below the flags. */
  readonly details?: readonly string[];
  run(parsed: ParsedCommand, out: Output): Promise<number>;
}

export const commandName = (command: Pick<CommandSpec, 'words'>): string => command.words.join(' ');

/** A flag's value as text (absent: undefined). */
export const stringFlag = (parsed: ParsedCommand, name: string): string | undefined => {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
};

export const booleanFlag = (parsed: ParsedCommand, name: string): boolean => parsed.values[name] === true;

/** A repeatable flag's values, in order (absent: none). */
export const listFlag = (parsed: ParsedCommand, name: string): string[] => {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
};

/** The flag as the user typed it, for messages (`--topk` when that was the spelling). */
export const typedFlag = (parsed: Pick<ParsedCommand, 'spelled'>, name: string): string => `--${parsed.spelled[name] ?? name}`;
