import { DlError, openInputFile } from '@dlkit/core';
import { assertFinite } from './samples.js';

/** Where the samples of a WAV file are and how they are stored. */
export interface WavFormat {
  sampleRate: number;
  channels: number;
  /** `int` PCM (8-bit unsigned, 16/24/32-bit signed) or IEEE `float` (32/64-bit). */
  encoding: 'int' | 'float';
  bitsPerSample: number;
  /** Byte offset of the first sample and the number of frames (one sample per channel). */
  dataOffset: number;
  frames: number;
}

/** Bytes of a WAV, from a file (read as needed) or from memory. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { size: buffer.length, read: async (offset, length) => buffer.subarray(offset, offset + length), close: async () => {} };
}

/** A regular file read as needed: core's openInputFile refuses FIFOs, devices and sockets before reading any. */
export async function fileSource(path: string): Promise<ByteSource> {
  const { handle, stat } = await openInputFile(path);
  const { size } = stat;
  return {
    size,
    async read(offset, length) {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}

const EXTENSIBLE = 0xfffe;
/** Writers that stream set the RIFF and data sizes to these when they do not know them yet. */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

/**
 * Bounds on header values, checked before anything is sized from them: the highest rate recorders write
 * (384 kHz) and the most channels of a layout in use (64: 7th-order Ambisonics; 22.2 is 24). Bit depths are
 * bounded to the ones `readWavFrames` decodes.
 */
export const WAV_LIMITS = { minSampleRate: 1, maxSampleRate: 384_000, maxChannels: 64 } as const;
/** Chunks walked before `data`: real files have a handful (fmt, LIST, bext, fact, JUNK, cue, iXML, ...). */
const MAX_CHUNKS = 1000;
/** Bytes of samples per read, whatever the channel count and depth. */
const MAX_READ_BYTES = 1 << 20;

/** Sample rate and channel count within WAV_LIMITS, or INPUT_UNSUPPORTED naming the value and the bound. */
function checkRange(sampleRate: number, channels: number, name: string): void {
  const { minSampleRate, maxSampleRate, maxChannels } = WAV_LIMITS;
  if (sampleRate < minSampleRate || sampleRate > maxSampleRate) {
    throw new DlError('INPUT_UNSUPPORTED', `${name}: sample rate ${sampleRate} Hz is outside ${minSampleRate} Hz-${maxSampleRate} Hz`);
  }
  if (channels < 1 || channels > maxChannels) throw new DlError('INPUT_UNSUPPORTED', `${name}: ${channels} channels (1 to at most ${maxChannels} are read)`);
}

type SampleFormat = Omit<WavFormat, 'dataOffset' | 'frames'>;

/** The `fmt ` chunk at `body`: PCM, IEEE float, or WAVE_FORMAT_EXTENSIBLE of either, within WAV_LIMITS. */
async function readFmtChunk(source: ByteSource, body: number, size: number, name: string): Promise<{ format: SampleFormat; blockAlign: number }> {
  const bad = (why: string) => new DlError('INPUT_UNREADABLE', `${name}: ${why}`);
  const fmt = await source.read(body, Math.min(size, 40));
  if (fmt.length < 16) throw bad('truncated fmt chunk');
  let tag = fmt.readUInt16LE(0);
  const channels = fmt.readUInt16LE(2);
  const sampleRate = fmt.readUInt32LE(4);
  const blockAlign = fmt.readUInt16LE(12);
  const bitsPerSample = fmt.readUInt16LE(14);
  if (tag === EXTENSIBLE) {
    if (fmt.length < 26) throw bad('truncated WAVE_FORMAT_EXTENSIBLE header');
    tag = fmt.readUInt16LE(24); // the sub-format GUID starts with the plain format tag
  }
  const encoding = tag === 1 ? 'int' : tag === 3 ? 'float' : undefined;
  if (encoding === undefined) throw new DlError('INPUT_UNSUPPORTED', `${name}: WAV sample format ${tag} is not PCM or float (a compressed WAV: convert it to PCM)`);
  const valid = encoding === 'int' ? [8, 16, 24, 32].includes(bitsPerSample) : [32, 64].includes(bitsPerSample);
  if (!valid) throw new DlError('INPUT_UNSUPPORTED', `${name}: ${bitsPerSample}-bit ${encoding} samples are not supported`);
  checkRange(sampleRate, channels, name);
  if (blockAlign !== (channels * bitsPerSample) / 8) {
    throw bad(`inconsistent fmt chunk (${channels} channels, ${sampleRate} Hz, block ${blockAlign} bytes)`);
  }
  return { format: { sampleRate, channels, encoding, bitsPerSample }, blockAlign };
}

/** Whole frames in a `data` chunk of `size` bytes at `body`: its declared size, or the rest of a streamed file. */
function dataFrames(source: ByteSource, body: number, size: number, blockAlign: number, name: string): number {
  const available = source.size - body;
  if (!UNKNOWN_SIZES.has(size) && size > available) {
    throw new DlError('INPUT_UNREADABLE', `${name}: the data chunk declares ${size} bytes of samples but the file has ${available} (truncated file)`);
  }
  const frames = Math.floor((UNKNOWN_SIZES.has(size) ? available : size) / blockAlign);
  if (frames === 0) throw new DlError('INPUT_UNSUPPORTED', `${name}: the WAV holds no samples`);
  return frames;
}

/**
 * Reads a WAV header: RIFF/WAVE (also RF64's data size is not supported), `fmt ` (PCM, IEEE float, or
 * WAVE_FORMAT_EXTENSIBLE of either) and where `data` starts. Everything that cannot be played back faithfully is
 * a typed error naming what is wrong.
 */
export async function readWavHeader(source: ByteSource, name: string): Promise<WavFormat> {
  const bad = (why: string) => new DlError('INPUT_UNREADABLE', `${name}: ${why}`);
  const head = await source.read(0, 12);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw bad(source.size === 0 ? 'empty file' : 'not a WAV file (no RIFF/WAVE header)');
  }
  let offset = 12;
  let fmt: { format: SampleFormat; blockAlign: number } | undefined;
  for (let chunks = 1; ; chunks++) {
    // Each chunk is a read; millions of empty ones would take minutes to walk.
    if (chunks > MAX_CHUNKS) throw new DlError('INPUT_UNSUPPORTED', `${name}: more than ${MAX_CHUNKS} chunks before the data chunk`);
    const chunk = await source.read(offset, 8);
    if (chunk.length < 8) throw bad(fmt ? 'no data chunk (truncated file?)' : 'truncated header: no fmt chunk');
    const id = chunk.toString('latin1', 0, 4);
    const size = chunk.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'fmt ') fmt = await readFmtChunk(source, body, size, name);
    else if (id === 'data') {
      if (!fmt) throw bad('data chunk before the fmt chunk');
      return { ...fmt.format, dataOffset: body, frames: dataFrames(source, body, size, fmt.blockAlign, name) };
    }
    offset = body + size + (size % 2); // chunks are padded to an even length
  }
}

/**
 * Frames to read at a time: at most MAX_READ_BYTES of samples whatever the channel count, and at most one second,
 * so that what one read becomes once resampled to 16 kHz stays one second (a 1 Hz file is read a frame at a time).
 */
export function wavFramesPerRead(format: WavFormat): number {
  const frameBytes = (format.channels * format.bitsPerSample) / 8;
  return Math.max(1, Math.min(format.sampleRate, Math.floor(MAX_READ_BYTES / frameBytes)));
}

/**
 * Frames `[start, start + count)` as float samples in [-1, 1], channels interleaved. NaN or infinite samples
 * (possible in float WAVs) are an error rather than poison for everything downstream.
 */
export async function readWavFrames(source: ByteSource, format: WavFormat, start: number, count: number, name: string): Promise<Float32Array> {
  const bytesPerSample = format.bitsPerSample / 8;
  const frameBytes = bytesPerSample * format.channels;
  const raw = await source.read(format.dataOffset + start * frameBytes, count * frameBytes);
  const n = Math.floor(raw.length / bytesPerSample);
  const out = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += bytesPerSample) {
    switch (format.encoding === 'float' ? -format.bitsPerSample : format.bitsPerSample) {
      case 8: out[i] = (raw[p]! - 128) / 128; break;
      case 16: out[i] = raw.readInt16LE(p) / 32768; break;
      case 24: out[i] = raw.readIntLE(p, 3) / 8388608; break;
      case 32: out[i] = raw.readInt32LE(p) / 2147483648; break;
      case -32: out[i] = raw.readFloatLE(p); break;
      default: out[i] = raw.readDoubleLE(p);
    }
  }
  assertFinite(out, name, start * format.channels);
  return out;
}

/** A WAV file of interleaved float samples in [-1, 1], as PCM (8/16/24/32-bit) or IEEE float (32/64-bit). */
export function encodeWav(samples: Float32Array, options: { sampleRate: number; channels?: number; bitsPerSample?: number; float?: boolean }): Buffer {
  const channels = options.channels ?? 1;
  const bits = options.bitsPerSample ?? (options.float ? 32 : 16);
  const bytes = bits / 8;
  const data = Buffer.alloc(samples.length * bytes);
  samples.forEach((v, i) => {
    const p = i * bytes;
    const c = Math.max(-1, Math.min(1, v));
    if (options.float) {
      if (bits === 32) data.writeFloatLE(v, p);
      else data.writeDoubleLE(v, p);
    } else if (bits === 8) data[p] = Math.round(c * 127) + 128;
    else if (bits === 16) data.writeInt16LE(Math.round(c * 32767), p);
    else if (bits === 24) data.writeIntLE(Math.round(c * 8388607), p, 3);
    else data.writeInt32LE(Math.round(c * 2147483647), p);
  });
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(options.float ? 3 : 1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(options.sampleRate, 24);
  header.writeUInt32LE(options.sampleRate * channels * bytes, 28);
  header.writeUInt16LE(channels * bytes, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
