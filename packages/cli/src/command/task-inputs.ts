import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { expandSources, textSources, type Source } from './out-paths.js';
import { booleanFlag, commandName, listFlag, stringFlag, type ParsedCommand } from './spec.js';
import type { TaskExtras } from './task-extras.js';

/** One thing to run the model on: its name (for output lines), what the pipeline is given, its place under --out. */
export interface Unit extends Source {
  /** A path, URL or `-` for files; the text itself for text tasks. */
  readonly value: string;
  /** A source that could not be read (a text file): reported in its place among the others. */
  readonly error?: unknown;
}

/** What goes after a task command's words, by what the task reads. */
export const POSITIONAL: Record<string, string> = {
  image: '<images...>',
  audio: '<audio...>',
  text: '<files...|->',
  table: '<files...>',
};

/** Standard input can be read once: `-` at most once among a command's inputs. */
function assertStdinOnce(inputs: readonly string[]): void {
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('standard input (-) can be given once');
}

async function fileUnits(task: AnyTaskDefinition, inputs: readonly string[], out: Output): Promise<Unit[]> {
  // From the light tables: the packages' entries would load their training and report code too.
  const extensions = task.input === 'audio' ? (await import('@dlkit/speech/tasks')).AUDIO_EXTENSIONS : (await import('@dlkit/vision/tasks')).IMAGE_EXTENSIONS;
  return (await expandSources(inputs, extensions, out.walkSkipped)).map((s) => ({ ...s, value: s.input }));
}

/** Each text of the files (a line, a CSV/JSONL row with --column, or the whole file) and of each --text, in order; an unreadable source is a unit with its error. */
async function textUnits(parsed: ParsedCommand, extras: TaskExtras): Promise<Unit[]> {
  const document = extras.textUnit === 'document' || booleanFlag(parsed, 'whole-file');
  const column = stringFlag(parsed, 'column');
  // The CLI reads `-` and URLs as the user typed them (the library reads them only when asked).
  const access = { allowStdin: true, allowUrls: true, allowPrivateHosts: true };
  const texts: Array<{ input: string; text: string; error?: unknown }> = listFlag(parsed, 'text').map((text, i) => ({ input: `--text ${i + 1}`, text }));
  // Only files need nlp's reader (and its package entry): `--text` alone loads no more than the pipeline does.
  const { readTexts } = parsed.positionals.length > 0 ? await import('@dlkit/nlp') : { readTexts: async () => [] };
  for (const source of await readTexts([...parsed.positionals], { ...access, mode: document ? 'document' : 'lines', ...(column ? { column } : {}) })) {
    if (source.ok) texts.push(...source.value);
    else texts.push({ input: source.source, text: '', error: source.error });
  }
  const places = textSources(texts.map((t) => t.input));
  return texts.map((t, i) => ({ ...places[i]!, value: t.text, ...(t.error === undefined ? {} : { error: t.error }) }));
}

/** The units of a task command's inputs; none given is a usage error saying what the command reads. */
export async function gatherUnits(task: AnyTaskDefinition, extras: TaskExtras, parsed: ParsedCommand, out: Output): Promise<Unit[]> {
  const name = commandName(parsed.command);
  assertStdinOnce(parsed.positionals);
  if (task.input === 'text') {
    if (parsed.positionals.length === 0 && listFlag(parsed, 'text').length === 0) throw new UsageError(`${name} needs files, - for standard input, or --text "..."`);
    return textUnits(parsed, extras);
  }
  if (parsed.positionals.length === 0) throw new UsageError(`${name} needs ${POSITIONAL[task.input]}: files, folders, globs, URLs or - for standard input`);
  return fileUnits(task, parsed.positionals, out);
}
