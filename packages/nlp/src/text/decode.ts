import { DlError } from '@dlkit/core';

/**
 * Bytes of a text file as a string: UTF-8 (BOM dropped) or UTF-16 with a BOM; line ends made `\n`. Bytes that
 * are not valid UTF-8 are an error naming where, rather than silently becoming U+FFFD.
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch (error) {
      const at = firstInvalidUtf8(body);
      throw new DlError('INPUT_UNREADABLE', `${name}: not valid UTF-8 (byte ${at} of ${body.length})`, { cause: error });
    }
  }
  return text.replace(/\r\n?/g, '\n');
}

/** Offset of the first byte that breaks UTF-8, for the error message. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}

/** Decodes one line or field of UTF-8 (from `textChunks`): bad bytes are an error naming where. */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw new DlError('INPUT_UNREADABLE', `${name}: not valid UTF-8 (byte ${firstInvalidUtf8(bytes)} of ${bytes.length}); save it as UTF-8`, { cause: error });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The encoding a text stream's first bytes declare, and how many BOM bytes to drop. */
function bomOf(head: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; skip: number } {
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  return { encoding: 'utf-8', skip: head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0 };
}

/**
 * A text stream as `decodeText` reads it, chunk by chunk, for line and CSV readers: UTF-8 bytes (BOM dropped;
 * UTF-16 with a BOM re-encoded), every line end made \n (a \r at a chunk's end waits for the next chunk).
 * UTF-8 is checked later, per line or field, so that an error names the line.
 */
export async function* textChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let utf16: InstanceType<typeof TextDecoder> | undefined;
  let first = true;
  let carryCr = false;
  for await (const input of chunks) {
    let chunk = Buffer.from(input.buffer, input.byteOffset, input.length);
    if (first && chunk.length > 0) {
      first = false;
      const { encoding, skip } = bomOf(chunk);
      if (encoding !== 'utf-8') utf16 = new TextDecoder(encoding);
      chunk = chunk.subarray(skip);
    }
    if (utf16) chunk = Buffer.from(utf16.decode(chunk, { stream: true }), 'utf8');
    if (carryCr) chunk = Buffer.concat([Buffer.from([0x0d]), chunk]);
    carryCr = chunk.at(-1) === 0x0d;
    if (carryCr) chunk = chunk.subarray(0, -1);
    // latin1 maps bytes to code units one to one, so this rewrites \r\n and \r without touching other bytes.
    if (chunk.includes(0x0d)) chunk = Buffer.from(chunk.toString('latin1').replace(/\r\n?/g, '\n'), 'latin1');
    if (chunk.length > 0) yield chunk;
  }
  if (carryCr) yield Buffer.from('\n');
}
