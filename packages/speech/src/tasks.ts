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

/** Whisper's temperature fallback ladder (openai-whisper's and whisper.cpp's default): `temperature: 'fallback'`. */
export const WHISPER_TEMPERATURES = [0, 0.2, 0.4, 0.6, 0.8, 1] as const;
/** The longest initial prompt, in characters: Whisper keeps only its last 223 tokens anyway. */
export const MAX_PROMPT_CHARS = 2000;

const temperatureValue = z.number().min(0).max(1);
const DECIMAL = /^[0-9]*\.?[0-9]+$/;

/** A temperature as a ladder, or undefined when it is none: not from 0 to 1, not rising, or more than 11 steps. */
function temperatureLadder(value: number | number[] | string): number[] | undefined {
  const fromText = (text: string) => (text.trim() === 'fallback' ? [...WHISPER_TEMPERATURES] : text.split(',').map((t) => (DECIMAL.test(t.trim()) ? Number(t) : NaN)));
  const list: number[] = typeof value === 'string' ? fromText(value) : typeof value === 'number' ? [value] : value;
  const rising = list.every((t, i) => i === 0 || t > list[i - 1]!);
  return list.length > 0 && list.length <= 11 && rising && list.every((t) => t >= 0 && t <= 1) ? list : undefined;
}

/**
 * One temperature or a rising ladder of them, always a list once checked: a number, a list, or the command line's
 * text ('0.2', '0,0.4,0.8', 'fallback').
 */
const temperature = z.union([temperatureValue, z.array(temperatureValue).min(1).max(11), z.string().max(100)]).transform((value, ctx): number[] => {
  const ladder = temperatureLadder(value);
  if (ladder) return ladder;
  ctx.addIssue({ code: 'custom', message: "a temperature from 0 to 1, a rising list of at most 11 (0,0.2,0.4), or 'fallback'" });
  return z.NEVER;
});

export const asrLoadOptions = z.strictObject({
  maxSeconds: maxSeconds.optional(),
  ...HUB_LOAD_OPTIONS,
  threads: z.number().int().min(1).max(256).optional().describe('Whisper: onnxruntime intra-op threads per model run (default: as onnxruntime chooses, one per core)'),
  ...INPUT_SOURCE_OPTIONS,
});
export const asrCallOptions = z.strictObject({
  language: z
    .string()
    .min(1)
    .max(40)
    .optional()
    .describe('spoken language, e.g. "french" or "fr", or "auto": detected from the first window of each file and given as the transcript\'s language (multilingual Whisper models only)'),
  task: z.enum(['transcribe', 'translate']).optional().describe("Whisper: 'translate' gives English text (multilingual models only)"),
  maxSeconds: maxSeconds.optional(),
  timestamps: z
    .enum(['word', 'segment'])
    .optional()
    .describe(
      "'word': a chunk per word (Whisper: models with alignment heads and cross-attention outputs, refused otherwise; speech-digits: its chunks are one word each already); default 'segment'",
    ),
  beams: z.number().int().min(1).max(16).optional().describe("Whisper: beam width at temperature 0 (default 1, greedy; openai-whisper's is 5)"),
  temperature: temperature
    .optional()
    .describe(
      "Whisper: 0 decodes greedily (default); above 0 samples at it; a rising list (0,0.2,0.4) or 'fallback' (0,0.2,...,1, as whisper) decodes a window again at the next one when its text loops (gzip ratio > 2.4) or is unlikely (mean log-probability < -1)",
    ),
  prompt: z
    .string()
    .min(1)
    .max(MAX_PROMPT_CHARS)
    .optional()
    .describe(`Whisper: initial prompt, text the speech follows on from (names, spelling, style; at most ${MAX_PROMPT_CHARS} characters, its last 223 tokens used)`),
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
    // The generic words first (Whisper is a hub model), then the other models the task runs.
    modelNote: `fetched from the hub on first use and cached; offline: dl models pull ${DEFAULT_SPEECH_MODEL} --task automatic-speech-recognition first; or another Whisper hub id or folder, or ${SPEECH_DIGITS_MODEL}: embedded and offline, English spoken digits only`,
    examples: [
      { command: 'dl speech transcribe talk.mp3 --out talk.srt', comment: 'subtitles by Whisper (MP3 needs ffmpeg; WAV does not)' },
      { command: 'dl speech transcribe pin.wav --model speech-digits --timestamps word --json', comment: 'spoken digits, offline, a chunk per word' },
      { command: 'dl speech transcribe - --stream --partial', comment: 'live, a WAV stream on standard input (arecord, ffmpeg): spoken digits, partial readings on stderr' },
    ],
    input: 'audio',
    output: '{text, chunks: [{timestamp: [start, end], text, score?, temperature?}], language?}',
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
    examples: [
      { command: 'dl speech vad recording.wav', comment: 'the stretches of speech, in seconds' },
      { command: 'dl speech vad calls/ --threshold 0.6 --json', comment: 'a folder, stricter about what is speech' },
    ],
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
