import { DlError, readInput, STDIN } from '@dlkit/core';
import { decodeWithFfmpeg } from './ffmpeg.js';
import { Resampler } from './resample.js';
import { assertFinite, concatSamples } from './samples.js';
import { AUDIO_EXTENSIONS } from '../tasks.js';
import { bufferSource, fileSource, readWavFrames, readWavHeader, wavFramesPerRead, type ByteSource, type WavFormat } from './wav.js';

export { AUDIO_EXTENSIONS };

/** Every pipeline works on 16 kHz mono float32: what Silero VAD and Whisper take. */
export const SAMPLE_RATE = 16_000;

/**
 * A path, an http(s) URL (with `allowUrls`), `-` for standard input (with `allowStdin`), the bytes of a file, or
 * samples already decoded: 16 kHz mono float32.
 */
export type AudioInput = string | Uint8Array | Float32Array;

export interface AudioStreamOptions {
  /** Name used in messages (default: the path, or "audio"). */
  name?: string | undefined;
  /** Bytes read into memory from stdin or a URL (files are streamed). */
  maxBytes?: number | undefined;
  /**
   * Longest audio decoded, in seconds (default 4 hours): a few bytes of header can declare days of audio (1 MB of
   * 16-bit samples at 1 Hz is six days at 16 kHz); refused from the header where it says so, else once decoding
   * passes it.
   */
  maxSeconds?: number | undefined;
  /** Deadline for ffmpeg, in ms spent waiting for its output (default: 30 s + 1 s per 100 kB of input, at most 5 min). */
  decodeTimeoutMs?: number | undefined;
  /** Stops decoding (and kills ffmpeg) with ABORTED. */
  signal?: AbortSignal | undefined;
  /** Read http(s) URL inputs (default false: a library does not fetch what it is handed unless told to). */
  allowUrls?: boolean | undefined;
  /** Read `-` as standard input (default false: the host process's stdin is not a library's to take). */
  allowStdin?: boolean | undefined;
  /** Let URL inputs reach loopback and private addresses (default false). */
  allowPrivateHosts?: boolean | undefined;
}

/** Four hours: a long meeting or podcast; longer audio is asked for with `maxSeconds`. */
export const DEFAULT_MAX_SECONDS = 4 * 3600;

const isWav = (head: Uint8Array) => head.length >= 12 && Buffer.from(head.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(head.subarray(8, 12)).toString('latin1') === 'WAVE';

/** Interleaved frames to mono, the mean of the channels. */
function downmix(interleaved: Float32Array, channels: number): Float32Array {
  if (channels === 1) return interleaved;
  const out = new Float32Array(Math.floor(interleaved.length / channels));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c]!;
    out[i] = sum / channels;
  }
  return out;
}

function tooLong(name: string, maxSeconds: number, seconds?: number): DlError {
  const what = seconds === undefined ? '' : `${seconds} s of audio, `;
  return new DlError('INPUT_TOO_LARGE', `${name}: ${what}more than the ${maxSeconds} s limit`, {
    hint: { kind: 'raise-option', option: 'maxSeconds', ...(seconds === undefined ? {} : { value: Math.ceil(seconds) }) },
  });
}

async function* wavStream(source: ByteSource, name: string, maxSeconds: number): AsyncGenerator<Float32Array> {
  const format = await readWavHeader(source, name);
  const seconds = format.frames / format.sampleRate;
  if (seconds > maxSeconds) throw tooLong(name, maxSeconds, Math.round(seconds * 1000) / 1000);
  yield* wavSamples(source, format, name);
}

/**
 * A WAV's data, its header read, as 16 kHz mono chunks: block by block, down-mixed and resampled. A read that
 * gives fewer frames than asked (a stream's bytes as they arrive) moves on by what it gave; one that gives none
 * means the source ended before the header said (a truncated file, a closed pipe).
 */
export async function* wavSamples(source: ByteSource, format: WavFormat, name: string): AsyncGenerator<Float32Array> {
  const resampler = new Resampler(format.sampleRate, SAMPLE_RATE);
  const block = wavFramesPerRead(format);
  for (let start = 0; start < format.frames; ) {
    const frames = await readWavFrames(source, format, start, Math.min(block, format.frames - start), name);
    const whole = Math.floor(frames.length / format.channels);
    if (whole === 0) break;
    start += whole;
    const out = resampler.process(downmix(frames, format.channels));
    if (out.length > 0) yield out;
  }
  const tail = resampler.flush();
  if (tail.length > 0) yield tail;
}

/**
 * What every decoder's output goes through before anything uses it: finite samples only, no more than
 * `maxSeconds` of them (so that ffmpeg's output is capped too: stopping here kills it), and a check of the signal.
 */
async function* checked(decoded: AsyncIterable<Float32Array>, name: string, options: AudioStreamOptions): AsyncGenerator<Float32Array> {
  const maxSeconds = options.maxSeconds ?? DEFAULT_MAX_SECONDS;
  const limit = Math.ceil(maxSeconds * SAMPLE_RATE) + 1; // + 1: the resampler's last output may sit on the end
  let total = 0;
  for await (const chunk of decoded) {
    if (options.signal?.aborted) throw new DlError('ABORTED', `${name}: aborted`, { cause: options.signal.reason });
    assertFinite(chunk, name, total);
    total += chunk.length;
    if (total > limit) throw tooLong(name, maxSeconds);
    yield chunk;
  }
}

/**
 * Audio as 16 kHz mono float32 chunks, streamed: WAV of any PCM bit depth or float, any channel count and rate,
 * read here (down-mixed, then resampled with an anti-aliasing filter); any other format through ffmpeg.
 */
export function audioStream(input: AudioInput, options: AudioStreamOptions = {}): AsyncGenerator<Float32Array> {
  const name = options.name ?? (typeof input === 'string' ? (input === STDIN ? 'standard input' : input) : 'audio');
  return checked(input instanceof Float32Array ? samplesStream(input, name) : decode(input, name, options), name, options);
}

/** Samples handed over decoded, in one-second chunks so that a long array is checked and aborted as a file is. */
async function* samplesStream(samples: Float32Array, name: string): AsyncGenerator<Float32Array> {
  if (samples.length === 0) throw new DlError('INPUT_UNSUPPORTED', `${name}: no samples`);
  for (let at = 0; at < samples.length; at += SAMPLE_RATE) yield samples.subarray(at, at + SAMPLE_RATE);
}

/** What `readInput` is told: the caller's size bound and what it allows (URLs, stdin, private hosts). */
const inputPolicy = ({ maxBytes, allowUrls, allowStdin, allowPrivateHosts }: AudioStreamOptions) => ({
  ...(maxBytes ? { maxBytes } : {}),
  ...(allowUrls ? { allowUrls } : {}),
  ...(allowStdin ? { allowStdin } : {}),
  ...(allowPrivateHosts ? { allowPrivateHosts } : {}),
});

async function* decode(input: string | Uint8Array, name: string, options: AudioStreamOptions): AsyncGenerator<Float32Array> {
  const maxSeconds = options.maxSeconds ?? DEFAULT_MAX_SECONDS;
  const ffmpegOptions = { sampleRate: SAMPLE_RATE, timeoutMs: options.decodeTimeoutMs, signal: options.signal };
  if (typeof input === 'string' && input !== STDIN && !/^https?:\/\//i.test(input)) {
    const source = await fileSource(input);
    try {
      if (source.size === 0) throw new DlError('INPUT_UNSUPPORTED', `${name}: empty file`);
      if (isWav(await source.read(0, 12)) || /\.wav$/i.test(input)) yield* wavStream(source, name, maxSeconds);
      else yield* decodeWithFfmpeg({ path: input, size: source.size }, name, ffmpegOptions);
    } finally {
      await source.close();
    }
    return;
  }
  const bytes = typeof input === 'string' ? await readInput(input, inputPolicy(options)) : input;
  if (bytes.length === 0) throw new DlError('INPUT_UNSUPPORTED', `${name}: empty input`);
  if (isWav(bytes)) yield* wavStream(bufferSource(bytes), name, maxSeconds);
  else yield* decodeWithFfmpeg({ bytes }, name, ffmpegOptions);
}

/** The whole audio as one 16 kHz mono array (for short clips; long audio should be streamed). */
export async function readAudio(input: AudioInput, options: AudioStreamOptions = {}): Promise<Float32Array> {
  const chunks: Float32Array[] = [];
  for await (const chunk of audioStream(input, options)) chunks.push(chunk);
  return concatSamples(...chunks);
}
