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
