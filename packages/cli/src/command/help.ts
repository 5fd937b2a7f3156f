import { COMMON_FLAGS } from './parse.js';
import { commandName, type CommandSpec, type FlagSpec } from './spec.js';

const WIDTH = 30;

const pad = (left: string, right: string) => (left.length < WIDTH ? `${left.padEnd(WIDTH)}${right}` : `${left}\n${' '.repeat(WIDTH)}${right}`);

function flagLine(flag: FlagSpec): string {
  const placeholder = flag.kind === 'boolean' ? '' : ` ${flag.value ?? 'VALUE'}`;
  // The run-together spellings every multi-word flag takes (`--topk`) are said once, in the overview.
  const shown = (flag.aliases ?? []).filter((a) => a !== flag.name.replace(/-/g, ''));
  const negative = flag.kind === 'boolean' && flag.option ? ` (--no-${flag.name}: off)` : '';
  const also = shown.length > 0 ? ` (also ${shown.map((a) => `--${a}`).join(', ')})` : '';
  return pad(`  --${flag.name}${placeholder}`, `${flag.description}${flag.multiple ? ' (repeatable)' : ''}${negative}${also}`);
}

const usageLine = (c: CommandSpec) => `dl ${commandName(c)}${c.positional ? ` ${c.positional}` : ''}`;

const COMMON = `Options for every command:
${COMMON_FLAGS.map((f) => flagLine(f.name === 'help' ? { ...f, name: 'help, -h' } : f.name === 'version' ? { ...f, name: 'version, -v' } : f)).join('\n')}

Environment: DL_BACKEND, DL_CACHE (default ~/.cache/dlkit), DL_OFFLINE=1, DL_DEBUG=1 (stack traces),
DL_HUB_ENDPOINT or HF_ENDPOINT (a hub mirror; default https://huggingface.co)
`;

/** `dl --help`: every command on one line, from the table. */
export function overview(table: readonly CommandSpec[]): string {
  const lines = table.map((c) => pad(`  ${usageLine(c).slice(3)}`, c.summary));
  return `dl: deep learning from the command line, offline by default

Usage: dl <command> [options]
       dl <command> --help, or dl help <command>: that command's options, default model and output

Inputs: files, folders (recursive), globs, http(s) URLs, or - for standard input.
Flags of several words also take their older run-together spelling (--topk for --top-k).

Commands:
${lines.join('\n')}

${COMMON}`;
}

/** One command's help: its usage, summary, flags (from their schemas), details. */
function commandHelp(c: CommandSpec): string {
  const flags = c.flags.length > 0 ? `\nOptions:\n${c.flags.map(flagLine).join('\n')}\n` : '';
  const details = c.details?.length ? `\n${c.details.join('\n')}\n` : '';
  return `Usage: ${usageLine(c)} [options]\n\n${c.summary}\n${flags}${details}`;
}

/** `dl <words> --help` and `dl help <words>`: the commands under those words (`train`: each `train ...`), then the common options. */
export function commandsHelp(commands: readonly CommandSpec[]): string {
  return `${commands.map(commandHelp).join('\n')}\n${COMMON}`;
}
