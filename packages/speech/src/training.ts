// `@dlkit/speech/training`: what the speech-digits training script, its benchmarks and tests build on (the
// recogniser and VAD below the pipeline, the recipe, FSDD and synthetic-speech readers, noise). Not the user API:
// that is `pipeline()` in the package's main entry.
import './embedded.js';

export { loadSileroVad, type Vad, type VadOptions } from './vad/silero.js';
export { WindowPlanner, type PlannedWindow, type WindowPlanOptions } from './transcribe/window-plan.js';
export { loadDigitRecognizer, type DigitRecognizer } from './transcribe/digit-recognizer.js';
export { DIGIT_VAD, DIGIT_WORDS, digitFeatures } from './digits/features.js';
export { noise, type NoiseKind } from './digits/noise.js';
export { listSynthetic, type SyntheticSpeech } from './digits/synthetic.js';
export { joinRecordings, listFsdd, type FsddRecording } from './digits/fsdd.js';
export { SPEECH_DIGITS_RECIPE } from './digits/train-speech-digits.js';
