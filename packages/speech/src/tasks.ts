// The speech tasks as rows of one table: the pipeline factory, the CLI, `dl batch` and the demo read it. Light on
// purpose (zod and core's light entry only): each `load()` imports its runtime when a model is loaded.
import { z } from 'zod';
import { defineTask, HUB_LOAD_OPTIONS, INPUT_SOURCE_OPTIONS } from '@dlkit/core/pipeline';
import type { AudioInput } from './audio/read-audio.js';
import type { Transcript } from './transcribe/transcribe.js';
import type { SpeechSegment } from './vad/silero.js';

/** What a folder or glob of audio expands to: WAV (read by audio/read-audio.ts) and what ffmpeg reads. */
export const AUDIO_EXTENSIONS = ['.wav', '.mp3', '.ogg', '.oga', '.opus', '.flac', '.m4a', '.aac', '.webm', '.mp4'];

/** Whisper, fetched from the hub and cached on first use: the embedded digits model would read any speech as digits. */
export const DEFAULT_SPEECH_MODEL = 'onnx-community/whisper-tiny.en';
/** The embedded model (offline): English spoken digits, one word per speech segment. */
export const SPEECH_DIGITS_MODEL = 'speech-digits';
/** The VAD model: Silero v4, embedded in this package (models/silero-vad). */
export const VAD_MODEL = 'silero';

const maxSeconds = z
  .number()
  .positive()
  .max(7 * 24 * 3600)
  .describe('longest audio read, in seconds (default 4 hours); longer audio is INPUT_TOO_LARGE');

/**
 * Library-only call options (functions and signals): a command line or an HTTP form has no value for them, so the
 * CLI and the demo leave out options of this `custom` kind.
 */
const libraryOnly = {
  signal: z
    .custom<AbortSignal>((v) => v instanceof AbortSignal, 'an AbortSignal')
    .optional()
    .describe('(library only) stops decoding and transcription with ABORTED'),
  onProgress: z
    .custom<(seconds: number) => void>((v) => typeof v === 'function', 'a function')
    .optional()
    .describe('(library only) called with the seconds of audio done so far'),
};

export const asrLoadOptions = z.strictObject({ maxSeconds: maxSeconds.optional(), ...HUB_LOAD_OPTIONS, ...INPUT_SOURCE_OPTIONS });
export const asrCallOptions = z.strictObject({
  language: z.string().min(1).optional().describe('spoken language, e.g. "french" (multilingual Whisper models only)'),
  task: z.enum(['transcribe', 'translate']).optional().describe("Whisper: 'translate' gives English text (multilingual models only)"),
  maxSeconds: maxSeconds.optional(),
  timestamps: z
    .enum(['word', 'segment'])
    .optional()
    .describe(
      "'word': a chunk per word (Whisper: models with alignment heads and cross-attention outputs, refused otherwise; speech-digits: its chunks are one word each already); default 'segment'",
    ),
  ...libraryOnly,
});
export type AsrLoadOptions = z.infer<typeof asrLoadOptions>;
export type AsrCallOptions = z.infer<typeof asrCallOptions>;

export const vadLoadOptions = z.strictObject({ ...INPUT_SOURCE_OPTIONS });
export const vadCallOptions = z.strictObject({
  threshold: z.number().min(0.01).max(0.99).optional().describe('speech probability a segment starts at (default 0.5)'),
  maxSeconds: maxSeconds.optional(),
  signal: libraryOnly.signal,
});
export type VadLoadOptions = z.infer<typeof vadLoadOptions>;
export type VadCallOptions = z.infer<typeof vadCallOptions>;

export const TASKS = [
  defineTask<AudioInput, Transcript, typeof asrLoadOptions, typeof asrCallOptions, 'automatic-speech-recognition'>({
    task: 'automatic-speech-recognition',
    aliases: ['transcribe'],
    domain: 'speech',
    summary: 'Speech to text with timestamps (Whisper from the hub; speech-digits offline for English spoken digits)',
    defaultModel: DEFAULT_SPEECH_MODEL,
    offline: false,
    input: 'audio',
    output: '{text, chunks: [{timestamp: [start, end], text, score?}]}',
    loadOptions: asrLoadOptions,
    callOptions: asrCallOptions,
    async load(model: string, options: AsrLoadOptions) {
      const { loadTranscriber } = await import('./transcribe/transcribe.js');
      return loadTranscriber(model, options);
    },
  }),
  defineTask<AudioInput, SpeechSegment[], typeof vadLoadOptions, typeof vadCallOptions, 'voice-activity-detection'>({
    task: 'voice-activity-detection',
    aliases: ['vad'],
    domain: 'speech',
    summary: 'The stretches of speech in audio, in seconds (Silero VAD)',
    defaultModel: VAD_MODEL,
    offline: true,
    input: 'audio',
    output: '[{start, end}]',
    loadOptions: vadLoadOptions,
    callOptions: vadCallOptions,
    async load(model: string, options: VadLoadOptions) {
      const { loadVadRunner } = await import('./vad/runner.js');
      return loadVadRunner(model, options);
    },
  }),
];
