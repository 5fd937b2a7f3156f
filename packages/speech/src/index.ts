import { pipelineFactory, type PipelineOf } from '@dlkit/core/pipeline';
import './embedded.js';
import { registerSpeechDatasets } from './digits/fsdd-dataset.js';
import { TASKS } from './tasks.js';

// Importing speech makes the registry's recordings (fsdd) loadable, as vision does for its images.
registerSpeechDatasets();

/**
 * `pipeline(task, model?, options?)`, transformers.js's shape: `automatic-speech-recognition` (`transcribe`) with
 * Whisper from the hub (the default) or the embedded `speech-digits`, and `voice-activity-detection` (`vad`).
 */
export const pipeline = pipelineFactory(TASKS);
type Row<Name> = Extract<(typeof TASKS)[number], { task: Name }>;
/** What `pipeline('automatic-speech-recognition', ...)` resolves to. */
export type SpeechRecognitionPipeline = PipelineOf<Row<'automatic-speech-recognition'>>;
/** What `pipeline('voice-activity-detection')` resolves to. */
export type VoiceActivityPipeline = PipelineOf<Row<'voice-activity-detection'>>;
export {
  DEFAULT_SPEECH_MODEL,
  SPEECH_DIGITS_MODEL,
  TASKS,
  VAD_MODEL,
  type AsrCallOptions,
  type AsrLoadOptions,
  type VadCallOptions,
  type VadLoadOptions,
} from './tasks.js';
export type { Transcript, TranscriptChunk } from './transcribe/transcribe.js';
export { createStreamingTranscriber, type LiveResult, type StreamingTranscriber, type StreamingTranscriberOptions } from './stream/streaming.js';
export { decodeWavStream } from './stream/wav-stream.js';
export type { SpeechSegment } from './vad/silero.js';
export { AUDIO_EXTENSIONS, audioStream, readAudio, SAMPLE_RATE, type AudioInput, type AudioStreamOptions } from './audio/read-audio.js';
export { resample } from './audio/resample.js';
export { encodeWav } from './audio/wav.js';
export { findFfmpeg } from './audio/ffmpeg.js';
export { cueLimits, parseSubtitles, splitCues, toSrt, toVtt, toVttWords, type Cue, type CueLimits } from './transcribe/subtitles.js';
export { trainSpeechDigits, type TrainSpeechDigitsOptions } from './digits/train-speech-digits.js';
export { fsddDataset } from './digits/fsdd-dataset.js';
