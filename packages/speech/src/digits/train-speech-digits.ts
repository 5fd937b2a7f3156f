import { availableParallelism } from 'node:os';
import {
  buildArchitecture,
  cosineDecay,
  createRng,
  fit,
  fromArrays,
  metricLog,
  RNG_STREAM,
  saveLayersModel,
  summaryMetrics,
  terminateOnNaN,
  type Callback,
  type FitResult,
  type LoadedManifest,
  type Rng,
} from '@dlkit/core';
import { SAMPLE_RATE } from '../audio/read-audio.js';
import { resample } from '../audio/resample.js';
import { createVad } from '../vad/silero.js';
import { DIGIT_FEATURES, DIGIT_VAD, DIGIT_WORDS, digitFeatures } from './features.js';
import { isTestTake, listFsdd, readRecordings, type FsddRecording } from './fsdd.js';

/** The recipe of the embedded `speech-digits` model; `pnpm train:speech-digits` runs it with these defaults. */
export const SPEECH_DIGITS_RECIPE = {
  epochs: 14,
  batchSize: 64,
  seed: 42,
  learningRate: 1e-3,
  /** Augmented copies of each training recording, besides the recording itself. */
  copies: 3,
  /** Speed (and pitch) change up to +-10%, white noise at 10..40 dB SNR, shift up to 6 frames (90 ms); on the speech as the VAD cuts it. */
  augment: { speed: 0.1, snrDb: [10, 40] as const, shiftFrames: 6 },
  workers: 2,
} as const;

export interface TrainSpeechDigitsOptions {
  /** The FSDD recordings folder. */
  data: string;
  out?: string;
  /** Validate on every take of this speaker and train on the others (leave-one-speaker-out), instead of the official split. */
  holdOutSpeaker?: string;
  epochs?: number;
  seed?: number;
  workers?: number;
  log?: string;
  callbacks?: Callback[];
  signal?: AbortSignal;
}

const LICENSE = `# speech-digits model: licence

Weights trained by dlkit's \`pnpm train:speech-digits\` (packages/speech/src/digits/train-speech-digits.ts) on the
Free Spoken Digit Dataset (Zohar Jackson et al., https://github.com/Jakobovski/free-spoken-digit-dataset),
CC BY-SA 4.0; the weights are shared under CC BY-SA 4.0 to honour its terms. Code: Apache-2.0.
`;

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** One augmented copy of a recording, drawing only from `rng`: speed, noise, shift. */
export function augmentRecording(samples: Float32Array, rng: Rng): Float32Array {
  const { speed, snrDb, shiftFrames } = SPEECH_DIGITS_RECIPE.augment;
  const factor = 1 + (rng() * 2 - 1) * speed;
  const sped = resample(samples, SAMPLE_RATE, Math.round(SAMPLE_RATE / factor));
  let power = 0;
  for (const v of sped) power += v * v;
  power /= sped.length || 1;
  const snr = snrDb[0] + rng() * (snrDb[1] - snrDb[0]);
  const sigma = Math.sqrt(power / 10 ** (snr / 10));
  const noisy = Float32Array.from(sped, (v) => v + sigma * gaussian(rng));
  return digitFeatures(noisy, Math.round((rng() * 2 - 1) * shiftFrames));
}

/** Features of each recording cut to its speech by the VAD, as transcription cuts words, and augmented copies. */
async function featuresOf(recordings: FsddRecording[], seed: number, copies: number) {
  const vad = await createVad();
  const audio: Float32Array[] = [];
  try {
    for (const samples of await readRecordings(recordings)) audio.push(await vad.trim(samples, DIGIT_VAD));
  } finally {
    await vad.dispose();
  }
  const size = DIGIT_FEATURES.frames * DIGIT_FEATURES.mels;
  const features = new Float32Array(recordings.length * (1 + copies) * size);
  const labels: number[] = [];
  let row = 0;
  audio.forEach((samples, i) => {
    features.set(digitFeatures(samples), row++ * size);
    labels.push(recordings[i]!.digit);
    for (let c = 0; c < copies; c++) {
      features.set(augmentRecording(samples, createRng(seed, RNG_STREAM.augment, i, c)), row++ * size);
      labels.push(recordings[i]!.digit);
    }
  });
  return { features, labels };
}

/**
 * Trains the spoken-digit CNN (core's `cnn` on 64 x 32 log-mel frames) on FSDD with offline augmentation;
 * validates on the official test takes (0-4), or on one held-out speaker.
 */
export async function trainSpeechDigits(options: TrainSpeechDigitsOptions): Promise<{ result: FitResult; saved?: LoadedManifest }> {
  const seed = options.seed ?? SPEECH_DIGITS_RECIPE.seed;
  const epochs = options.epochs ?? SPEECH_DIGITS_RECIPE.epochs;
  // The recipe's 2 threads, unless this machine has fewer cores (fit refuses more workers than cores).
  const workers = options.workers ?? Math.min(SPEECH_DIGITS_RECIPE.workers, availableParallelism());
  const all = await listFsdd(options.data);
  const held = (r: FsddRecording) => (options.holdOutSpeaker ? r.speaker === options.holdOutSpeaker : isTestTake(r));
  const trainSet = all.filter((r) => !held(r));
  const testSet = all.filter(held);
  const shape = [DIGIT_FEATURES.frames, DIGIT_FEATURES.mels, 1];
  const classes = [...DIGIT_WORDS];
  const train = await featuresOf(trainSet, seed, SPEECH_DIGITS_RECIPE.copies);
  const test = await featuresOf(testSet, seed, 0);
  const splitName = options.holdOutSpeaker ? `speaker ${options.holdOutSpeaker} held out` : 'official split (takes 0-4 test)';
  const trainData = fromArrays({ features: train.features, shape, labels: train.labels, classes, source: `FSDD ${trainSet.length} recordings x ${1 + SPEECH_DIGITS_RECIPE.copies}, ${splitName}` });
  const validation = fromArrays({ features: test.features, shape, labels: test.labels, classes, source: `FSDD ${testSet.length} held-out recordings` });
  const model = await buildArchitecture('cnn', { inputShape: shape, classes: 10, seed });
  try {
    const result = await fit(model, trainData, {
      epochs,
      batchSize: SPEECH_DIGITS_RECIPE.batchSize,
      seed,
      validation,
      workers,
      optimizer: { name: 'adam', learningRate: SPEECH_DIGITS_RECIPE.learningRate },
      callbacks: [terminateOnNaN(), cosineDecay({ warmupEpochs: 1 }), ...(options.log ? [metricLog(options.log)] : []), ...(options.callbacks ?? [])],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (options.out === undefined || result.stopReason === 'aborted') return { result };
    const { speed, snrDb, shiftFrames } = SPEECH_DIGITS_RECIPE.augment;
    const saved = await saveLayersModel(model, options.out, {
      name: 'speech-digits',
      task: 'speech-digits',
      labels: classes,
      input: { kind: 'log-mel', ...DIGIT_FEATURES },
      source: `CNN trained by dlkit (pnpm train:speech-digits) on the Free Spoken Digit Dataset (${all.length} recordings of ${new Set(all.map((r) => r.speaker)).size} speakers)`,
      license: 'CC-BY-SA-4.0 (weights, trained on FSDD by Zohar Jackson et al.); see LICENSE.md',
      metrics: summaryMetrics(result),
      training: {
        data: `FSDD, ${splitName}: ${trainSet.length} training recordings (+${SPEECH_DIGITS_RECIPE.copies} augmented copies each), ${testSet.length} held out`,
        seed,
        epochs: result.epochs,
        batchSize: SPEECH_DIGITS_RECIPE.batchSize,
        workers,
        optimizer: `adam lr ${SPEECH_DIGITS_RECIPE.learningRate}, cosine decay with 1 warm-up epoch`,
        augmentation: `speed +-${speed * 100}%, white noise ${snrDb[0]}..${snrDb[1]} dB SNR, shift +-${shiftFrames} frames`,
        architecture: 'cnn: conv3x3x32-pool, conv3x3x64-pool, conv3x3x128-pool, dense128, dropout 0.4, softmax, on 64x32 log-mel',
        command: 'pnpm train:speech-digits',
        seconds: Math.round(result.seconds),
      },
      extraFiles: { 'LICENSE.md': LICENSE },
    });
    return { result, saved };
  } finally {
    model.dispose();
  }
}
