import { isDlError } from '@dlkit/core/pipeline';
import { UsageError } from '../cli-error.js';
import { hintWords } from './hints.js';
import { flagForOption } from './schema-flags.js';
import { typedFlag, type ParsedCommand } from './spec.js';

/** A library's INVALID_ARGUMENT on an option the user set is the command line's mistake: exit 2 naming the flag. */
export function asUsageError(error: unknown, parsed: ParsedCommand): unknown {
  if (!isDlError(error, 'INVALID_ARGUMENT') || error.parameter === undefined) return error;
  const flag = error.parameter === 'model' ? 'model' : flagForOption(parsed.command.flags, error.parameter)?.name;
  if (flag === undefined || parsed.values[flag] === undefined) return error;
  const hint = hintWords(error.hint);
  const extra = hint === undefined || error.message.includes(hint) ? '' : ` (${hint})`;
  return new UsageError(`${typedFlag(parsed, flag)}: ${error.message}${extra}`);
}

