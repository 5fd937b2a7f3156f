import { parseArgs } from 'node:util';
import { UsageError } from './cli-error.js';
import { printable } from './terminal/printable.js';
import type { CommandSpec } from './command/spec.js';

// Loaded before any command: only what finds the command and its help (the table reads the domains' light
// `tasks` entries); runtimes load once a command runs.

/** Enough of the command line to answer --version and --help and to find the command. */
function loosely(argv: string[]) {
  const options = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' }, json: { type: 'boolean' }, backend: { type: 'string' } } as const;
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: false });
  return { help: values.help === true, version: values.version === true, positionals };
}

/** `dl`, `dl --help`, `dl help [words]`, `dl <words> --help`: the overview, or the commands under the words. */
async function help(words: string[]): Promise<number> {
  const [{ COMMANDS }, { overview, commandsHelp }, { commandsUnder, findCommand }] = await Promise.all([import('./command/table.js'), import('./command/help.js'), import('./command/find.js')]);
  if (words.length === 0) {
    process.stdout.write(overview(COMMANDS));
    return 0;
  }
  const commands = commandsUnder(COMMANDS, words);
  process.stdout.write(commandsHelp(commands.length > 0 ? commands : [findCommand(COMMANDS, words)]));
  return 0;
}

/** One or two lines: what was wrong, and where the command's help is (not the whole help below it). */
async function usageLines(error: Error, command: CommandSpec | undefined): Promise<string> {
  const { Mistyped } = await import('./command/parse.js');
  const message = error instanceof Mistyped ? await error.withSuggestion() : error.message;
  return `dl: ${printable(message, { keepNewlines: false })}\nsee dl ${command === undefined ? '' : `${command.words.join(' ')} `}--help\n`;
}

/** Runs the CLI; resolves to the exit code: 0, 1 (an input or the run failed), 2 (the command line is wrong). */
export async function main(argv: string[]): Promise<number> {
  let command: CommandSpec | undefined;
  try {
    const loose = loosely(argv);
    if (loose.version) {
      process.stdout.write(`${(await import('./version.js')).VERSION}\n`);
      return 0;
    }
    if (loose.positionals[0] === 'help') return await help(loose.positionals.slice(1));
    if (loose.help || argv.length === 0) return await help(loose.positionals);
    const [{ COMMANDS }, { findCommand }, { parseCommand }] = await Promise.all([import('./command/table.js'), import('./command/find.js'), import('./command/parse.js')]);
    command = findCommand(COMMANDS, loose.positionals);
    const parsed = parseCommand(command, argv);
    if (typeof parsed.values.backend === 'string') process.env.DL_BACKEND = parsed.values.backend;
    const { createOutput, errorLine } = await import('./output.js');
    // `--format json` on stdout is `--json`: one shape for both.
    const out = createOutput(parsed.json || (parsed.values.format === 'json' && parsed.values.out === undefined));
    try {
      return await command.run(parsed, out);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      process.stderr.write(`${errorLine(error)}\n`);
      return 1;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(await usageLines(error, command));
      return 2;
    }
    process.stderr.write(`dl: INTERNAL: ${printable(error instanceof Error ? error.message : String(error), { keepNewlines: false })}\n`);
    return 1;
  }
}
