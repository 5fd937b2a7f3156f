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

/** A loaded model's transcription of one decoded audio stream. */
interface Engine {
  readonly device: string;
  transcribe(audio: AsyncIterable<Float32Array>, options: AsrCallOptions): Promise<Transcript>;
  dispose(): Promise<void>;
}

const join = (chunks: TranscriptChunk[]) => chunks.flatMap((c) => (c.text ? [c.text] : [])).join(' ');
const round = (s: number) => Math.round(s * 1000) / 1000;

/**
 * The `automatic-speech-recognition` runner. Whisper (a hub id or a transformers.js folder): the audio in 30 s
 * windows that overlap by 5 s, merged on the overlap's middle. The embedded `speech-digits` model (or a digits
 * model folder): voice activity detection (Silero) cuts the audio into words, each read by the digits CNN. Both
 * stream the audio: hours of it keep memory flat.
 */
export async function loadTranscriber(model: string, options: AsrLoadOptions): Promise<TaskRunner<AudioInput, Transcript, AsrCallOptions>> {
  const reference = parseModelReference(model);
  const whisper = reference.kind === 'hub' || isTransformersFolder(reference);
  // A hub model's dtype and device go to its loader; the digits model (tfjs, its own weights) refuses them.
  if (!whisper) refuseHubOnlyOptions(options, model);
  const engine = whisper ? await whisperEngine(reference as HubReference, model, options) : await digitsEngine(reference as Exclude<ModelReference, { kind: 'hub' }>);
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
      if (!whisper) refuseWhisperOptions(call, model);
      return runEach(inputs, call);
    },
    dispose: () => (disposed ??= engine.dispose()),
  };
}

/** Refused rather than ignored: a caller asking for French or a translation would get English digits. */
function refuseWhisperOptions(call: AsrCallOptions, model: string): void {
  for (const parameter of ['language', 'task'] as const) {
    if (call[parameter] !== undefined) {
      throw new DlError('INVALID_ARGUMENT', `${parameter} is a Whisper option; ${model} reads English spoken digits only`, { parameter });
    }
  }
}

async function digitsEngine(reference: Exclude<ModelReference, { kind: 'hub' }>): Promise<Engine> {
  const recognizer: DigitRecognizer = await loadDigitRecognizer(reference);
  let vad: Vad;
  try {
    vad = await loadSileroVad();
  } catch (error) {
    recognizer.dispose();
    throw error;
  }
  return {
    device: recognizer.device,
    async transcribe(audio, call) {
      const chunks: TranscriptChunk[] = [];
      for await (const segment of vad.segments(audio, { ...DIGIT_VAD, withAudio: true })) {
        const [word] = recognizer.recognize([segment.audio!]);
        chunks.push({ timestamp: [round(segment.start), round(segment.end)], text: word!.text, score: round(word!.score) });
        call.onProgress?.(segment.end);
      }
      return { text: join(chunks), chunks };
    },
    async dispose() {
      recognizer.dispose();
      await vad.dispose();
    },
  };
}

const WINDOW_SECONDS = 30;
const OVERLAP_SECONDS = 5;

/**
 * A hub model that is neither cached nor downloadable now: the fix (fetch it where there is a network) as the
 * hint, and in words the embedded model that needs no network. Core's error, with its details, is the cause.
 */
function offlineError(error: DlError, model: string): DlError {
  const message = `Hub model ${model} is not in the cache and cannot be downloaded now (offline or no network); for English spoken digits, the embedded model '${SPEECH_DIGITS_MODEL}' needs no network`;
  return new DlError('MODEL_OFFLINE', message, { cause: error, hint: { kind: 'pull-model', model, task: 'automatic-speech-recognition', alternatives: [SPEECH_DIGITS_MODEL] } });
}

async function whisperEngine(reference: HubReference, model: string, { dtype, device }: HubLoadOptions): Promise<Engine> {
  let pipeline: HubPipeline;
  try {
    pipeline = await loadHubPipeline('automatic-speech-recognition', reference, { dtype, device });
  } catch (error) {
    if (isDlError(error, 'MODEL_OFFLINE')) throw offlineError(error, model);
    throw error;
  }
  const size = WINDOW_SECONDS * SAMPLE_RATE;
  const step = (WINDOW_SECONDS - OVERLAP_SECONDS) * SAMPLE_RATE;
  return {
    device: hubPipelineDevice(pipeline, device),
    async transcribe(audio, call) {
      const results: WindowResult[] = [];
      for await (const { offset, samples } of slidingWindows(audio, size, step)) {
        const out = (await pipeline(samples, {
          return_timestamps: true,
          ...(call.language ? { language: call.language } : {}),
          ...(call.task ? { task: call.task } : {}),
        })) as { chunks?: WindowResult['chunks']; text: string };
        const duration = samples.length / SAMPLE_RATE;
        results.push({ offset: offset / SAMPLE_RATE, duration, chunks: out.chunks ?? [{ timestamp: [0, duration], text: out.text }] });
        call.onProgress?.((offset + samples.length) / SAMPLE_RATE);
      }
      const chunks = mergeWindows(results);
      return { text: join(chunks), chunks };
    },
    dispose: () => pipeline.dispose(),
  };
}
