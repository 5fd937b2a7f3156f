import './embedded.js';

export { AUDIO_EXTENSIONS, audioStream, readAudio, SAMPLE_RATE, type AudioInput, type AudioStreamOptions } from './audio/read-audio.js';
export { resample, Resampler } from './audio/resample.js';
export { encodeWav } from './audio/wav.js';
export { findFfmpeg } from './audio/ffmpeg.js';
export { LogMel, melFilterbank, type MelOptions } from './features/log-mel.js';
export { createVad, type SpeechSegment, type Vad, type VadOptions } from './vad/silero.js';
export { DIGIT_FEATURES, DIGIT_LABELS, DIGIT_WORDS, digitFeatures, UNKNOWN_LABEL } from './digits/features.js';
export { MIN_DIGIT_SCORE, readDigit } from './digits/rejection.js';
export { noise, type NoiseKind } from './digits/noise.js';
export { defaultSyntheticDir, listSynthetic, type SyntheticSpeech } from './digits/synthetic.js';
export { joinRecordings, listFsdd, type FsddRecording } from './digits/fsdd.js';
export { DIGIT_AUGMENT } from './digits/augment.js';
export { SPEECH_DIGITS_RECIPE, trainSpeechDigits, type TrainSpeechDigitsOptions } from './digits/train-speech-digits.js';
export {
  createTranscriber,
  DEFAULT_SPEECH_MODEL,
  DEFAULT_WHISPER,
  isWhisperModel,
  SPEECH_DIGITS_MODEL,
  type Transcriber,
  type TranscriberOptions,
  type TranscribeOptions,
  type Transcript,
  type TranscriptChunk,
} from './transcribe/transcribe.js';
export { loadDigitRecognizer, type DigitRecognizer } from './transcribe/digit-recognizer.js';
export { mergeWindows, type WindowResult } from './transcribe/windows.js';
export { parseSubtitles, toSrt, toVtt } from './transcribe/subtitles.js';
