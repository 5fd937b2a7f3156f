import { DlError } from '../errors.js';
import { DEFAULT_MAX_FIELD_BYTES } from './csv.js';

export interface LineOptions {
  /** The input's name, for messages (`name:line: ...`). */
  name: string;
  /** Largest line, bytes, without its line end (default 16 MiB). */
  maxLineBytes?: number;
}

/** One line (1-based number, bytes without the \n or \r\n), or why it was left out: longer than the cap. */
export type Line = { line: number; bytes: Buffer } | { line: number; error: DlError };

/**
 * Splits a byte stream into lines in bounded memory: a line over `maxLineBytes` becomes an INPUT_TOO_LARGE
 * item naming the limit and the line, its bytes are skipped up to the next line end, and the lines after it
 * are read as usual. Bytes are not decoded: \n never occurs inside a UTF-8 character.
 */
export async function* readLines(chunks: AsyncIterable<Uint8Array>, options: LineOptions): AsyncGenerator<Line> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_FIELD_BYTES;
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let line = 1;
  const finish = (): Line => {
    const bytes = tooLong ? undefined : withoutCr(parts.length === 1 ? parts[0]! : Buffer.concat(parts, length));
    const done: Line =
      bytes === undefined || bytes.length > max
        ? { line, error: new DlError('INPUT_TOO_LARGE', `${options.name}:${line}: a line over the ${max}-byte limit; split it, or raise the limit`) }
        : { line, bytes };
    parts = [];
    length = 0;
    tooLong = false;
    line++;
    return done;
  };
  for await (const input of chunks) {
    const chunk = Buffer.from(input.buffer, input.byteOffset, input.length);
    for (let from = 0; from < chunk.length; ) {
      const end = chunk.indexOf(LF, from);
      const piece = chunk.subarray(from, end < 0 ? chunk.length : end);
      // One byte of slack for a \r that belongs to the line end; past that the line's bytes are dropped.
      if (!tooLong && length + piece.length > max + 1) {
        tooLong = true;
        parts = [];
      }
      if (!tooLong) {
        parts.push(piece);
        length += piece.length;
      }
      if (end < 0) break;
      yield finish();
      from = end + 1;
    }
  }
  if (length > 0 || tooLong) yield finish();
}

const LF = 0x0a;
const CR = 0x0d;

function withoutCr(bytes: Buffer): Buffer {
  return bytes.at(-1) === CR ? bytes.subarray(0, -1) : bytes;
}
