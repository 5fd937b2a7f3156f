import { wavSamples } from '../audio/read-audio.js';
import { readWavHeader, type ByteSource } from '../audio/wav.js';

/**
 * A stream's bytes read forward only, as a ByteSource for the WAV header reader: `read` waits until the bytes
 * asked for have arrived (or the stream ended), and bytes before the last offset read are let go, so memory
 * holds about one read whatever the length of the stream. Offsets never go back (the WAV reader reads in order).
 */
class ForwardBytes {
  private buffered = Buffer.alloc(0);
  /** Offset in the stream of `buffered[0]`. */
  private base = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Bytes `[offset, offset + length)`, fewer only at the end; with `atLeast`, as soon as that many have come. */
  async read(offset: number, length: number, atLeast = length): Promise<Buffer> {
    while (!this.ended && this.base + this.buffered.length < offset + atLeast) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else this.buffered = Buffer.concat([this.buffered, next.value]);
      this.forget(offset);
    }
    this.forget(offset);
    const from = offset - this.base;
    return this.buffered.subarray(from, from + length);
  }

  private forget(before: number): void {
    const drop = Math.min(this.buffered.length, before - this.base);
    if (drop <= 0) return;
    this.buffered = this.buffered.subarray(drop);
    this.base += drop;
  }

  async close(): Promise<void> {
    await this.source.return?.();
  }
}

/** What an unknown length is taken as: the stream's data runs until it ends. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/**
 * A WAV arriving as a stream (a pipe from `arecord` or `ffmpeg`, a socket) as 16 kHz mono float32 chunks, each
 * as soon as its bytes have come: the header is read as a file's is (an unknown data size, as streaming writers
 * set, runs to the end of the stream), then whatever whole frames are there are decoded as a file's are
 * (wavSamples). A stream cut off early just ends; bad bytes are the typed errors a WAV file gives.
 */
export async function* decodeWavStream(bytes: AsyncIterable<Uint8Array>, name = 'standard input'): AsyncGenerator<Float32Array> {
  const stream = new ForwardBytes(bytes[Symbol.asyncIterator]());
  try {
    const format = await readWavHeader({ size: UNBOUNDED, read: (offset, length) => stream.read(offset, length), close: async () => {} }, name);
    const frameBytes = (format.channels * format.bitsPerSample) / 8;
    // A frame's samples as soon as they are here: a read waits for one whole frame, not for a full block.
    const arrived: ByteSource = {
      size: UNBOUNDED,
      read: async (offset, length) => {
        const got = await stream.read(offset, length, frameBytes);
        return got.subarray(0, got.length - (got.length % frameBytes));
      },
      close: async () => {},
    };
    yield* wavSamples(arrived, format, name);
  } finally {
    await stream.close();
  }
}
