import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { DlError } from '../errors.js';

export interface TarOptions {
  /** Leading path parts removed from every name (tar's --strip-components). */
  strip: number;
  /** Which (stripped) relative paths are written; the others are read past. */
  keep: (rel: string) => boolean;
  /** Bytes of the unpacked archive read at most (a gzip bomb stops here). */
  maxArchiveBytes: number;
  /** Bytes written at most. */
  maxBytes: number;
  /** For messages: `the archive of fsdd`. */
  what: string;
}

const BLOCK = 512;
const MAX_PAX_BYTES = 1 << 20;

const invalid = (options: TarOptions, why: string) => new DlError('DATASET_INVALID', `${options.what} ${why}: refused, nothing was kept`);

/** Pulls exact byte counts from a stream, counting every byte against the archive's bound. */
function byteReader(stream: Readable, options: TarOptions) {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let buffer: Buffer = Buffer.alloc(0);
  let total = 0;
  const fill = async (n: number): Promise<boolean> => {
    while (buffer.length < n) {
      const next = await chunks.next();
      if (next.done) return false;
      total += next.value.length;
      if (total > options.maxArchiveBytes) throw invalid(options, `unpacks to more than ${options.maxArchiveBytes} bytes`);
      buffer = buffer.length === 0 ? next.value : Buffer.concat([buffer, next.value]);
    }
    return true;
  };
  return {
    /** The next `n` bytes, or undefined at the end of the stream (when none are left). */
    async take(n: number): Promise<Buffer | undefined> {
      if (!(await fill(n))) {
        if (buffer.length === 0) return undefined;
        throw invalid(options, 'ends in the middle of an entry');
      }
      const out = buffer.subarray(0, n);
      buffer = buffer.subarray(n);
      return out;
    },
    /** The next `n` bytes in pieces, as they arrive. */
    async *pieces(n: number): AsyncGenerator<Buffer> {
      for (let left = n; left > 0; ) {
        if (buffer.length === 0 && !(await fill(1))) throw invalid(options, 'ends in the middle of an entry');
        const piece = buffer.subarray(0, Math.min(left, buffer.length));
        buffer = buffer.subarray(piece.length);
        left -= piece.length;
        yield piece;
      }
    },
  };
}

const text = (block: Buffer, start: number, length: number) => {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
};

function octal(block: Buffer, start: number, length: number, options: TarOptions): number {
  // A base-256 size (high bit set) is for entries of 8 GiB and more: far past any bound here.
  if ((block[start]! & 0x80) !== 0) throw invalid(options, 'holds an entry too large to unpack');
  const digits = text(block, start, length).trim();
  if (!/^[0-7]*$/.test(digits)) throw invalid(options, 'is not a tar archive (a malformed header)');
  return digits === '' ? 0 : parseInt(digits, 8);
}

/** The header's checksum: the sum of its bytes with the checksum field read as spaces. */
function checksumOk(block: Buffer, options: TarOptions): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  return sum === octal(block, 148, 8, options);
}

/** The `path` record of a pax extended header (`<length> path=<value>\n` records). */
function paxPath(data: Buffer): string | undefined {
  let path: string | undefined;
  for (let at = 0; at < data.length; ) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    if (record.startsWith('path=')) path = record.slice(5);
    at += length;
  }
  return path;
}

/**
 * The name with `strip` leading parts removed (`.` parts dropped first), or undefined when nothing is left (the
 * archive's top folder). A name that is absolute or climbs out with `..` is refused: an official archive has none.
 */
function stripped(name: string, strip: number, options: TarOptions): string | undefined {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (name.startsWith('/') || name.includes('\\') || parts.some((p) => p === '..' || /[\x00-\x1f]/.test(p))) {
    throw invalid(options, `holds the entry ${JSON.stringify(name.slice(0, 200))}, which would land outside its folder`);
  }
  const rest = parts.slice(strip);
  return rest.length === 0 ? undefined : rest.join('/');
}

async function writeEntry(dest: string, rel: string, data: AsyncGenerator<Buffer>, options: TarOptions): Promise<void> {
  const path = join(dest, ...rel.split('/'));
  await mkdir(dirname(path), { recursive: true });
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  const handle = await open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EEXIST' ? invalid(options, `holds ${rel} twice`) : error;
  });
  try {
    for await (const piece of data) await handle.write(piece);
  } finally {
    await handle.close();
  }
}

/**
 * Extracts the regular files of a tar stream (ustar, GNU long names, pax paths) that `keep` selects into `dest`,
 * a fresh folder: links, devices and folders are never created (folders only as parents of a file), names that
 * would leave `dest` are refused, and both the bytes read and the bytes written are bounded.
 */
export async function extractTar(stream: Readable, dest: string, options: TarOptions): Promise<{ files: number; bytes: number }> {
  const reader = byteReader(stream, options);
  let files = 0;
  let bytes = 0;
  let longName: string | undefined;
  for (;;) {
    const header = await reader.take(BLOCK);
    if (header === undefined || header.every((b) => b === 0)) break;
    if (!checksumOk(header, options)) throw invalid(options, 'is not a tar archive (a header checksum does not match)');
    const size = octal(header, 124, 12, options);
    const type = String.fromCharCode(header[156]!);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    const prefix = text(header, 257, 6) === 'ustar' ? text(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    if (type === 'x' || type === 'L') {
      if (size > MAX_PAX_BYTES) throw invalid(options, 'holds an extended header over 1 MiB');
      const block = await reader.take(padded);
      if (block === undefined) throw invalid(options, 'ends in the middle of an entry');
      const data = block.subarray(0, size);
      longName = type === 'L' ? text(data, 0, size) : paxPath(data);
      continue;
    }
    const rel = ['0', '\0', '7'].includes(type) ? stripped(name, options.strip, options) : undefined;
    if (rel !== undefined && options.keep(rel)) {
      bytes += size;
      if (bytes > options.maxBytes) throw invalid(options, `holds more than the ${options.maxBytes} bytes of the set`);
      await writeEntry(dest, rel, reader.pieces(size), options);
      files++;
      await reader.take(padded - size);
    } else for await (const _ of reader.pieces(padded)); // not ours (another file, a folder, a link): read past it
  }
  return { files, bytes };
}
