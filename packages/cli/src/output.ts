import { DlError, errorMessage } from '@dlkit/core';
import { printable } from './terminal/printable.js';

export interface Output {
  json: boolean;
  /** A result line: JSON on stdout with --json, else `human` on stdout. */
  result(input: string, output: unknown, human: string): void;
  /** A failed input: an error object on stdout with --json, and one line on stderr either way. */
  inputError(input: string, error: unknown): void;
  /** An input left alone because its output exists (`--skip-existing`). */
  skipped(input: string, file: string): void;
  /** An entry of a walked folder that is not an input (a link to a folder, a hidden file, ...): said, not hidden. */
  walkSkipped(path: string, reason: string): void;
}

/** A message on one line: decoders (libvips, ffmpeg) write several, and each stderr line must be one error. */
const oneLine = (message: string) => message.trim().replace(/\s*\n\s*/g, '; ');

export function errorInfo(error: unknown): { code: string; message: string } {
  return error instanceof DlError ? { code: error.code, message: oneLine(error.message) } : { code: 'INTERNAL', message: oneLine(errorMessage(error)) };
}

/** One line for stderr: the code and message (control characters of names shown, not obeyed), plus the stack when DL_DEBUG=1. */
export function errorLine(error: unknown): string {
  const { code, message } = errorInfo(error);
  const debug = process.env.DL_DEBUG === '1' && error instanceof Error ? `\n${error.stack ?? ''}` : '';
  return `dl: ${code}: ${printable(message, { keepNewlines: false })}${debug}`;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(input, output, human) {
      process.stdout.write(json ? `${JSON.stringify({ input, output })}\n` : `${printable(human)}\n`);
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
