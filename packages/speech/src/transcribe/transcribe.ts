import { DlError, isDlError, isTransformersFolder, loadHubPipeline, parseModelReference, type HubPipeline, type ModelReference } from '@dlkit/core';
import { audioStream, SAMPLE_RATE, type AudioInput, type AudioStreamOptions } from '../audio/read-audio.js';
import { createVad, type Vad } from '../vad/silero.js';
import { DIGIT_VAD } from '../digits/features.js';
import { loadDigitRecognizer, type DigitRecognizer } from './digit-recognizer.js';
import { mergeWindows, slidingWindows, type WindowResult } from './windows.js';

/**
 * One word or phrase with its time in seconds, in the shape of transformers.js's ASR output. The speech-digits
 * model gives each chunk its `score`, and `text: ''` for a segment it cannot read as a digit.
 */
export interface TranscriptChunk {
  timestamp: [number, number];
  text: string;
  score?: number;
}

export interface Transcript {
  text: string;
  chunks: TranscriptChunk[];
}

export const DEFAULT_WHISPER = 'onnx-community/whisper-tiny.en';
/** Whisper, fetched from the hub and cached on first use: the embedded digits model would read any speech as digits. */
export const DEFAULT_SPEECH_MODEL = DEFAULT_WHISPER;
/** The embedded model (offline): English spoken digits, one word per speech segment. */
export const SPEECH_DIGITS_MODEL = 'speech-digits';

export interface TranscriberOptions {
  /** A Whisper hub id or folder (default `onnx-community/whisper-tiny.en`), or `speech-digits` / a digits model folder. */
  model?: string;
  /** Whisper: spoken language (e.g. "french"); multilingual models only. */
  language?: string;
  /** Whisper: `translate` gives English text. */
  task?: 'transcribe' | 'translate';
}

/** `maxSeconds` (default 4 h) bounds how long the audio may be; `signal` stops decoding. */
export interface TranscribeOptions extends Pick<AudioStreamOptions, 'maxSeconds' | 'decodeTimeoutMs' | 'signal'> {
  /** Seconds of audio done so far (for a progress line). */
  onProgress?: (seconds: number) => void;
  name?: string;
}

/** The audio options of a transcription: its name in messages, and the duration, deadline and abort bounds. */
const streamOptions = ({ name, maxSeconds, decodeTimeoutMs, signal }: TranscribeOptions): AudioStreamOptions => ({ name, maxSeconds, decodeTimeoutMs, signal });

export interface Transcriber {
  transcribe(input: AudioInput, options?: TranscribeOptions): Promise<Transcript>;
  dispose(): Promise<void>;
}

const join = (chunks: TranscriptChunk[]) => chunks.flatMap((c) => (c.text ? [c.text] : [])).join(' ');

/** Whether `model` is run by Whisper (a hub id or a transformers.js folder) rather than by the digits recogniser. */
export function isWhisperModel(model: string = DEFAULT_SPEECH_MODEL): boolean {
  const reference = parseModelReference(model);
  return reference.kind === 'hub' || isTransformersFolder(reference);
}

/**
 * Speech to text with timestamps. The embedded `speech-digits` model: voice activity detection (Silero) cuts the
 * audio into words, each recognised by the digits CNN. Whisper (transformers.js): the audio in 30 s windows that
 * overlap by 5 s, merged on the overlap's middle. Both stream the audio: hours of it keep memory flat.
 */
export async function createTranscriber(options: TranscriberOptions = {}): Promise<Transcriber> {
  const reference = parseModelReference(options.model ?? DEFAULT_SPEECH_MODEL);
  if (reference.kind === 'hub' || isTransformersFolder(reference)) return whisperTranscriber(reference, options);
  // Refused rather than ignored: a caller asking for French or a translation would get English digits.
  if (options.language !== undefined || options.task !== undefined) {
    throw new DlError('INVALID_ARGUMENT', `language and task are Whisper options; ${options.model} reads English spoken digits only`);
  }
  return digitsTranscriber(reference);
}

async function digitsTranscriber(reference: Exclude<ModelReference, { kind: 'hub' }>): Promise<Transcriber> {
  const recognizer: DigitRecognizer = await loadDigitRecognizer(reference);
  let vad: Vad;
  try {
    vad = await createVad();
  } catch (error) {
    recognizer.dispose();
    throw error;
  }
  return {
    async transcribe(input, opts = {}) {
      const chunks: TranscriptChunk[] = [];
      for await (const segment of vad.segments(audioStream(input, streamOptions(opts)), { ...DIGIT_VAD, withAudio: true })) {
        const [word] = recognizer.recognize([segment.audio!]);
        chunks.push({ timestamp: [round(segment.start), round(segment.end)], text: word!.text, score: round(word!.score) });
        opts.onProgress?.(segment.end);
      }
      return { text: join(chunks), chunks };
    },
    async dispose() {
      recognizer.dispose();
      await vad.dispose();
    },
  };
}

const round = (s: number) => Math.round(s * 1000) / 1000;

const WINDOW_SECONDS = 30;
const OVERLAP_SECONDS = 5;

async function whisperTranscriber(reference: Parameters<typeof loadHubPipeline>[1], options: TranscriberOptions): Promise<Transcriber> {
  let pipeline: HubPipeline;
  try {
    pipeline = await loadHubPipeline('automatic-speech-recognition', reference);
  } catch (error) {
    if (isDlError(error, 'MODEL_OFFLINE')) throw new DlError('MODEL_OFFLINE', `${error.message}; for English spoken digits offline, use the embedded model (--model speech-digits)`, { cause: error });
    throw error;
  }
  const size = WINDOW_SECONDS * SAMPLE_RATE;
  const step = (WINDOW_SECONDS - OVERLAP_SECONDS) * SAMPLE_RATE;
  return {
    async transcribe(input, opts = {}) {
      const results: WindowResult[] = [];
      for await (const { offset, samples } of slidingWindows(audioStream(input, streamOptions(opts)), size, step)) {
        const out = (await pipeline(samples, {
          return_timestamps: true,
          ...(options.language ? { language: options.language } : {}),
          ...(options.task ? { task: options.task } : {}),
        })) as { chunks?: WindowResult['chunks']; text: string };
        const duration = samples.length / SAMPLE_RATE;
        results.push({ offset: offset / SAMPLE_RATE, duration, chunks: out.chunks ?? [{ timestamp: [0, duration], text: out.text }] });
        opts.onProgress?.((offset + samples.length) / SAMPLE_RATE);
      }
      const chunks = mergeWindows(results);
      return { text: join(chunks), chunks };
    },
    dispose: () => pipeline.dispose(),
  };
}
