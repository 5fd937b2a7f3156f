// The option flags of the batch tasks, derived from their rows' schemas as the task commands derive theirs
// (command/task-command.ts: the same names, kinds, bounds and older spellings). Light: the command table reads it
// for the parser and --help.
import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import { flagsFromSchema } from '../command/schema-flags.js';
import type { FlagSpec } from '../command/spec.js';
import { TASK_EXTRAS } from '../command/task-extras.js';
import { aliasesOf, BATCH_TASKS } from './tasks.js';

/** Load options the command sets itself (URLs on, never standard input) rather than taking a flag for. */
const SET_BY_THE_COMMAND = ['allowUrls', 'allowStdin', 'allowPrivateHosts'];

/**
 * The option flags of one batch task: its load options, then its call options. An option of both (speech's
 * `maxSeconds`) is one flag, a call option's, as in the task command; a batch passes it to both (tasks.ts).
 */
export function taskFlags(definition: AnyTaskDefinition): FlagSpec[] {
  const aliases = TASK_EXTRAS[definition.task]?.aliases;
  const older = aliases === undefined ? {} : { aliases };
  const call = flagsFromSchema(definition.callOptions, { where: 'call', exclude: SET_BY_THE_COMMAND, ...older });
  const callNames = call.map((flag) => flag.option!.name);
  return [...flagsFromSchema(definition.loadOptions, { where: 'load', exclude: [...SET_BY_THE_COMMAND, ...callNames], ...older }), ...call];
}

/**
 * Every batch task's option flags, each name once, for the parser: which of them the chosen task takes is checked
 * once the task is known (its first positional), and any other is a usage error.
 */
export function allTaskFlags(): FlagSpec[] {
  const byName = new Map<string, FlagSpec>();
  for (const flag of BATCH_TASKS.flatMap(taskFlags)) if (!byName.has(flag.name)) byName.set(flag.name, flag);
  return [...byName.values()];
}

/** `  object-detection, detect: --threshold F --iou F ...`: a line per task for `dl batch --help`. */
export function taskFlagLines(): string[] {
  return BATCH_TASKS.map((definition) => {
    const names = taskFlags(definition).map((flag) => `--${flag.name}${flag.kind === 'boolean' ? '' : ` ${flag.value ?? ''}`}`);
    const called = [definition.task, ...aliasesOf(definition)].join(', ');
    return `  ${called}: ${names.length > 0 ? names.join(' ') : '(no options)'}`;
  });
}
