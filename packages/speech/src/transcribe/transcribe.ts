import {
  DlError,
  hubPipelineDevice,
  isDlError,
  isTransformersFolder,
  loadHubPipeline,
  oneAtATime,
  parseModelReference,
  refuseHubOnlyOptions,
  type HubLoadOptions,
  type HubPipeline,
  type HubReference,
  type ModelReference,
  type TaskRunner,
} from '@dlkit/core';
import { audioStream, SAMPLE_RATE, type AudioInput } from '../audio/read-audio.js';
import { DIGIT_VAD } from '../digits/features.js';
import { SPEECH_DIGITS_MODEL, type AsrCallOptions, type AsrLoadOptions } from '../tasks.js';
import { loadSileroVad, type Vad } from '../vad/silero.js';
import { digitsPartials, type LivePartials } from '../stream/partials.js';
import { whisperLive } from '../stream/whisper-live.js';
import { loadDigitRecognizer, type DigitRecognizer } from './digit-recognizer.js';
import { whisperDecoder } from './whisper-decoding.js';

/**
 * One word or phrase with its time in seconds, in the shape of transformers.js's ASR output. The speech-digits
 * model gives each chunk its `score`, and `text: ''` for a segment it cannot read as a digit.
 */
export interface TranscriptChunk {
  timestamp: [number, number];
  text: string;
  score?: number;
  /** Whisper with a temperature ladder: the temperature this chunk's window was decoded at, where it is not the first. */
  temperature?: number;
}

export interface Transcript {
  text: string;
  chunks: TranscriptChunk[];
  /** Whisper with `language: 'auto'`: the language detected from the first window, as a code ('en', 'fr'). */
  language?: string;
}

/** A loaded model's transcription of one decoded audio stream. */
export interface Engine {
  readonly device: string;
  transcribe(audio: AsyncIterable<Float32Array>, options: AsrCallOptions): Promise<Transcript>;
  /** Throws INVALID_ARGUMENT for a call option this model cannot honour, before any audio is decoded. */
  refuse?(options: AsrCallOptions): void;
  /**
   * Each chunk as soon as it is final, while the audio is still arriving (live transcription, stream/): the
   * digits model's words are final when their VAD segment closes, Whisper's chunks when their window closes.
   */
  live?(audio: AsyncIterable<Float32Array>, options: AsrCallOptions): AsyncGenerator<TranscriptChunk>;
  /** How live transcription reads the audio not final yet, for partial results (stream/partials.ts). */
  partials?: LivePartials;
  dispose(): Promise<void>;
}

const join = (chunks: TranscriptChunk[]) => chunks.flatMap((c) => (c.text ? [c.text] : [])).join(' ');
const round = (s: number) => Math.round(s * 1000) / 1000;

/**
 * The `automatic-speech-recognition` runner. Whisper (a hub id or a transformers.js folder): Silero VAD finds the
 * speech, packed into windows of at most 30 s cut at pauses (window-plan.ts), so silence never reaches the
 * decoder. The embedded `speech-digits` model (or a digits model folder): voice activity detection (Silero) cuts
 * the audio into words, each read by the digits CNN. Both stream the audio: hours of it keep memory flat.
 */
export async function loadTranscriber(model: string, options: AsrLoadOptions): Promise<TaskRunner<AudioInput, Transcript, AsrCallOptions>> {
  const reference = parseModelReference(model);
  const whisper = reference.kind === 'hub' || isTransformersFolder(reference);
  // A hub model's dtype and device go to its loader; the digits model (tfjs, its own weights) refuses them.
  // `threads` goes to Whisper's sessions; the digits model takes it as a bound it keeps (its VAD runs on one
  // thread), since dl batch gives it to every row whose schema has it.
  if (!whisper) refuseHubOnlyOptions(options, model);
  const engine = whisper ? await whisperEngine(reference as HubReference, model, options) : await digitsEngine(reference as Exclude<ModelReference, { kind: 'hub' }>, model);
  const transcribeOne = (input: AudioInput, call: AsrCallOptions) => {
    const audio = audioStream(input, {
      maxSeconds: call.maxSeconds ?? options.maxSeconds,
      signal: call.signal,
      allowUrls: options.allowUrls,
      allowStdin: options.allowStdin,
      allowPrivateHosts: options.allowPrivateHosts,
    });
    return engine.transcribe(audio, call);
  };
  const runEach = oneAtATime(transcribeOne, model);
  let disposed: Promise<void> | undefined;
  return {
    model,
    device: engine.device,
    async run(inputs, call) {
      engine.refuse?.(call);
      return runEach(inputs, call);
    },
    dispose: () => (disposed ??= engine.dispose()),
  };
}

/** Whisper's decoding options: the digits model has no language, task, beams, temperature or prompt to honour. */
const WHISPER_ONLY = ['language', 'task', 'beams', 'temperature', 'prompt'] as const;

/** Refused rather than ignored: a caller asking for French or a translation would get English digits. */
function refuseWhisperOptions(call: AsrCallOptions, model: string): void {
  for (const parameter of WHISPER_ONLY) {
    if (call[parameter] !== undefined) {
      throw new DlError('INVALID_ARGUMENT', `${parameter} is a Whisper option; ${model} reads English spoken digits only`, { parameter });
    }
  }
}

/** Silero VAD for an engine whose model is loaded already: when the VAD fails to load, that model is freed first. */
async function loadVadFor(release: () => unknown): Promise<Vad> {
  try {
    return await loadSileroVad();
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * The digits model's engine: Silero VAD cuts the audio into words, each read by the CNN as its segment closes.
 * A file and a live stream go through the same `live` generator, so both give the same words and times.
 */
export async function digitsEngine(reference: Exclude<ModelReference, { kind: 'hub' }>, model: string): Promise<Engine & Required<Pick<Engine, 'live'>>> {
  const recognizer: DigitRecognizer = await loadDigitRecognizer(reference);
  const vad = await loadVadFor(() => recognizer.dispose());
  async function* live(audio: AsyncIterable<Float32Array>, call: AsrCallOptions): AsyncGenerator<TranscriptChunk> {
    for await (const segment of vad.segments(audio, { ...DIGIT_VAD, withAudio: true })) {
      const [word] = recognizer.recognize([segment.audio!]);
      call.onProgress?.(segment.end);
      yield { timestamp: [round(segment.start), round(segment.end)], text: word!.text, score: round(word!.score) };
    }
  }
  return {
    device: recognizer.device,
    refuse: (call) => refuseWhisperOptions(call, model),
    live,
    partials: digitsPartials(vad, recognizer),
    async transcribe(audio, call) {
      const chunks: TranscriptChunk[] = [];
      for await (const chunk of live(audio, call)) chunks.push(chunk);
      return { text: join(chunks), chunks };
    },
    async dispose() {
      recognizer.dispose();
      await vad.dispose();
    },
  };
}

/** Silero's segments for Whisper, padded so that it hears the soft start and end of a word the VAD cuts close. */
const WHISPER_VAD = { padMs: 100 } as const;

/**
 * A hub model that is neither cached nor downloadable now: the fix (fetch it where there is a network) as the
 * hint, and in words the embedded model that needs no network. Core's error, with its details, is the cause.
 */
function offlineError(error: DlError, model: string): DlError {
  const message = `Hub model ${model} is not in the cache and cannot be downloaded now (offline or no network); for English spoken digits, the embedded model '${SPEECH_DIGITS_MODEL}' needs no network`;
  return new DlError('MODEL_OFFLINE', message, { cause: error, hint: { kind: 'pull-model', model, task: 'automatic-speech-recognition', alternatives: [SPEECH_DIGITS_MODEL] } });
}

/**
 * Why this Whisper export cannot time words, or undefined when it can. transformers.js times each token by dynamic
 * time warping over the cross attention of the generation config's `alignment_heads`, so it needs those heads and a
 * decoder that outputs its cross attentions (an export with output_attentions): lacking either, it fails only
 * after a window is decoded, with an error of its own.
 */
function missingWordTiming(pipeline: HubPipeline): string | undefined {
  type Model = { generation_config?: { alignment_heads?: unknown }; sessions?: Record<string, { outputNames?: readonly string[] } | undefined> };
  const model = (pipeline as { model?: Model }).model;
  const heads = model?.generation_config?.alignment_heads;
  if (!Array.isArray(heads) || heads.length === 0) return 'its generation_config.json has no alignment_heads';
  const outputs = Object.values(model?.sessions ?? {}).flatMap((session) => session?.outputNames ?? []);
  if (!outputs.some((name) => name.startsWith('cross_attentions'))) return 'its decoder does not output cross attentions (an export with output_attentions does)';
  return undefined;
}

export async function whisperEngine(reference: HubReference, model: string, { dtype, device, threads }: HubLoadOptions & { threads?: number }): Promise<Engine> {
  let pipeline: HubPipeline;
  try {
    pipeline = await loadHubPipeline('automatic-speech-recognition', reference, { dtype, device, threads });
  } catch (error) {
    if (isDlError(error, 'MODEL_OFFLINE')) throw offlineError(error, model);
    throw error;
  }
  const vad = await loadVadFor(() => pipeline.dispose());
  const wordTimingGap = missingWordTiming(pipeline);
  const decoder = whisperDecoder(pipeline, model);
  const streaming = whisperLive(vad, decoder.decode, WHISPER_VAD);
  return {
    device: hubPipelineDevice(pipeline, device),
    ...streaming,
    refuse(call) {
      decoder.refuse(call);
      if (call.timestamps !== 'word' || wordTimingGap === undefined) return;
      throw new DlError('INVALID_ARGUMENT', `timestamps 'word' needs word alignment, which ${model} lacks: ${wordTimingGap}; 'segment' timestamps work`, { parameter: 'timestamps' });
    },
    async transcribe(audio, options) {
      // A copy per file: the decoder keeps what it detected ('auto' language) by this object, and a list of
      // files shares one call's options.
      const call = { ...options };
      const chunks: TranscriptChunk[] = [];
      let heard = 0;
      async function* counted() {
        for await (const samples of audio) yield ((heard += samples.length), samples);
      }
      for await (const chunk of streaming.live(counted(), call)) chunks.push(chunk);
      call.onProgress?.(heard / SAMPLE_RATE);
      const language = decoder.language(call);
      return { text: join(chunks), chunks, ...(language !== undefined ? { language } : {}) };
    },
    async dispose() {
      await Promise.all([pipeline.dispose(), vad.dispose()]);
    },
  };
}
