import { errorMessage, isDlError } from '@dlkit/core/pipeline';
import { hintWords } from './command/hints.js';
import { printable } from './terminal/printable.js';

export interface Output {
  json: boolean;
  /** A result line: JSON on stdout with --json (with `file` when it was also written there), else `human` on stdout. */
  result(input: string, output: unknown, human: string, file?: string): void;
  /** A failed input: an error object on stdout with --json, and one line on stderr either way. */
  inputError(input: string, error: unknown): void;
  /** An input left alone because its output exists (`--skip-existing`). */
  skipped(input: string, file: string): void;
  /** An entry of a walked folder that is not an input (a link to a folder, a hidden file, ...): said, not hidden. */
  walkSkipped(path: string, reason: string): void;
}

/** A message on one line: decoders (libvips, ffmpeg) write several, and each stderr line must be one error. */
const oneLine = (message: string) => message.trim().replace(/\s*\n\s*/g, '; ');

/** An error as `--json` and results files carry it: its code, message and (in the CLI's words) what to do about it. */
export function errorInfo(error: unknown): { code: string; message: string; hint?: string } {
  if (!isDlError(error)) return { code: 'INTERNAL', message: oneLine(errorMessage(error)) };
  const hint = hintWords(error.hint);
  return { code: error.code, message: oneLine(error.message), ...(hint === undefined ? {} : { hint }) };
}

/**
 * One line for stderr, `dl: CODE: message (hint)` (control characters of names shown, not obeyed), plus the stack
 * when DL_DEBUG=1.
 */
export function errorLine(error: unknown): string {
  const { code, message, hint } = errorInfo(error);
  const debug = process.env.DL_DEBUG === '1' && error instanceof Error ? `\n${error.stack ?? ''}` : '';
  // A hint the message already carries (a did-you-mean in its words) is not said twice.
  const said = hint === undefined || message.includes(hint) ? message : `${message} (${hint})`;
  return `dl: ${code}: ${printable(said, { keepNewlines: false })}${debug}`;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(input, output, human, file) {
      process.stdout.write(json ? `${JSON.stringify(file === undefined ? { input, output } : { input, output, file })}\n` : `${printable(human)}\n`);
    },
    skipped(input, file) {
      if (json) process.stdout.write(`${JSON.stringify({ input, skipped: file })}\n`);
      else process.stderr.write(`dl: ${printable(`${input}: skipped, ${file} exists`, { keepNewlines: false })}\n`);
    },
    walkSkipped(path, reason) {
      process.stderr.write(`dl: warning: ${printable(`${path}: skipped (${reason})`, { keepNewlines: false })}\n`);
    },
    inputError(input, error) {
      if (json) process.stdout.write(`${JSON.stringify({ input, error: errorInfo(error) })}\n`);
      process.stderr.write(`${errorLine(error)}\n`);
    },
  };
}
