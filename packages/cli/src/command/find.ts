import { UsageError } from '../cli-error.js';
import { Mistyped } from './parse.js';
import { commandName, type CommandSpec } from './spec.js';

const startsWith = (positionals: readonly string[], words: readonly string[]) => words.every((w, i) => positionals[i] === w);

/** The command the positionals name: the one with the most words that match (`train digits` before `train`). */
export function matchCommand(table: readonly CommandSpec[], positionals: readonly string[]): CommandSpec | undefined {
  let best: CommandSpec | undefined;
  for (const command of table) {
    if (startsWith(positionals, command.words) && command.words.length > (best?.words.length ?? 0)) best = command;
  }
  return best;
}

/** The commands under some words, for `dl train --help` (every `train ...`) and `dl vision --help`. */
export function commandsUnder(table: readonly CommandSpec[], words: readonly string[]): CommandSpec[] {
  const exact = matchCommand(table, words);
  const under = table.filter((c) => startsWith(c.words, words));
  if (under.length > 0) return under;
  return exact ? [exact] : [];
}

/** Like `matchCommand`, but a miss is a usage error with the nearest command ("vision clasify" -> "vision classify"). */
export function findCommand(table: readonly CommandSpec[], positionals: readonly string[]): CommandSpec {
  const found = matchCommand(table, positionals);
  if (found) return found;
  const [first, second] = positionals;
  if (first === undefined) throw new UsageError('no command given');
  // "vision clasify" is compared with the vision commands; "visoin classify" with the first words.
  const inDomain = table.filter((c) => c.words[0] === first && c.words.length > 1).map(commandName);
  if (inDomain.length > 0) throw new Mistyped('command', `${first} ${second ?? ''}`.trim(), inDomain);
  throw new Mistyped('command', first, [...new Set(table.map((c) => c.words[0]!))]);
}
