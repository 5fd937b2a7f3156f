import { DlError, readInput, STDIN } from '@dlkit/core';
import { decodeWithFfmpeg } from './ffmpeg.js';
import { Resampler } from './resample.js';
import { concatSamples } from './samples.js';
import { bufferSource, fileSource, readWavFrames, readWavHeader, type ByteSource } from './wav.js';

/** Every pipeline works on 16 kHz mono float32: what Silero VAD and Whisper take. */
export const SAMPLE_RATE = 16_000;

/** What a folder or glob of audio expands to: WAV (read here) and what ffmpeg reads. */
export const AUDIO_EXTENSIONS = ['.wav', '.mp3', '.ogg', '.oga', '.opus', '.flac', '.m4a', '.aac', '.webm', '.mp4'];

/** A path, `-` for standard input, an http(s) URL, or the bytes of a file. */
export type AudioInput = string | Uint8Array;

export interface AudioStreamOptions {
  /** Name used in messages (default: the path, or "audio"). */
  name?: string;
  /** Bytes read into memory from stdin or a URL (files are streamed). */
  maxBytes?: number;
}

const isWav = (head: Uint8Array) => head.length >= 12 && Buffer.from(head.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(head.subarray(8, 12)).toString('latin1') === 'WAVE';

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

async function* wavStream(source: ByteSource, name: string): AsyncGenerator<Float32Array> {
  const format = await readWavHeader(source, name);
  const resampler = new Resampler(format.sampleRate, SAMPLE_RATE);
  const block = format.sampleRate; // one second at a time
  for (let start = 0; start < format.frames; start += block) {
    const frames = await readWavFrames(source, format, start, Math.min(block, format.frames - start), name);
    const out = resampler.process(downmix(frames, format.channels));
    if (out.length > 0) yield out;
  }
  const tail = resampler.flush();
  if (tail.length > 0) yield tail;
}

/**
 * Audio as 16 kHz mono float32 chunks, streamed: WAV of any PCM bit depth or float, any channel count and rate,
 * read here (down-mixed, then resampled with an anti-aliasing filter); any other format through ffmpeg.
 */
export async function* audioStream(input: AudioInput, options: AudioStreamOptions = {}): AsyncGenerator<Float32Array> {
  const name = options.name ?? (typeof input === 'string' ? (input === STDIN ? 'standard input' : input) : 'audio');
  if (typeof input === 'string' && input !== STDIN && !/^https?:\/\//i.test(input)) {
    const source = await fileSource(input);
    try {
      if (source.size === 0) throw new DlError('INPUT_UNSUPPORTED', `${name}: empty file`);
      if (isWav(await source.read(0, 12)) || /\.wav$/i.test(input)) yield* wavStream(source, name);
      else yield* decodeWithFfmpeg({ path: input }, name, SAMPLE_RATE);
    } finally {
      await source.close();
    }
    return;
  }
  const bytes = typeof input === 'string' ? await readInput(input, options.maxBytes ? { maxBytes: options.maxBytes } : {}) : input;
  if (bytes.length === 0) throw new DlError('INPUT_UNSUPPORTED', `${name}: empty input`);
  if (isWav(bytes)) yield* wavStream(bufferSource(bytes), name);
  else yield* decodeWithFfmpeg({ bytes }, name, SAMPLE_RATE);
}

/** The whole audio as one 16 kHz mono array (for short clips; long audio should be streamed). */
export async function readAudio(input: AudioInput, options: AudioStreamOptions & { maxSeconds?: number } = {}): Promise<Float32Array> {
  const chunks: Float32Array[] = [];
  let length = 0;
  const limit = (options.maxSeconds ?? 4 * 3600) * SAMPLE_RATE;
  for await (const chunk of audioStream(input, options)) {
    chunks.push(chunk);
    length += chunk.length;
    if (length > limit) throw new DlError('INPUT_TOO_LARGE', `${options.name ?? 'audio'}: longer than ${limit / SAMPLE_RATE} s; stream it instead`);
  }
  return concatSamples(...chunks);
}
