import { DlError, errorMessage } from '@dlkit/core';

export interface Output {
  json: boolean;
  /** A result line: JSON on stdout with --json, else `human` on stdout. */
  result(input: string, output: unknown, human: string): void;
  /** A failed input: an error object on stdout with --json, and one line on stderr either way. */
  inputError(input: string, error: unknown): void;
}

export function errorInfo(error: unknown): { code: string; message: string } {
  return error instanceof DlError ? { code: error.code, message: error.message } : { code: 'INTERNAL', message: errorMessage(error) };
}

/** One line for stderr: the code and message, plus the stack when DL_DEBUG=1. */
export function errorLine(error: unknown): string {
  const { code, message } = errorInfo(error);
  const debug = process.env.DL_DEBUG === '1' && error instanceof Error ? `\n${error.stack ?? ''}` : '';
  return `dl: ${code}: ${message}${debug}`;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(input, output, human) {
      process.stdout.write(json ? `${JSON.stringify({ input, output })}\n` : `${human}\n`);
    },
    inputError(input, error) {
      if (json) process.stdout.write(`${JSON.stringify({ input, error: errorInfo(error) })}\n`);
      process.stderr.write(`${errorLine(error)}\n`);
    },
  };
}
