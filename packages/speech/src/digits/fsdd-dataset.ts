import { fromArrays, registerDatasetLoader, type Dataset, type DatasetLoader } from '@dlkit/core';
import { z } from 'zod';
import { DIGIT_FEATURES, DIGIT_WORDS } from './features.js';
import { listFsdd } from './fsdd.js';
import { concatRows, validationExamples } from './train-speech-digits.js';

/** FSDD's takes are numbered 0..49 per digit and speaker. */
const MAX_TAKE = 49;

// Strict: a misspelt key (`"take"`) is an error naming it, not every recording.
const fsddSchema = z.strictObject({
  type: z.literal('fsdd-wav'),
  path: z.string(),
  takes: z
    .tuple([z.number().int().min(0).max(MAX_TAKE), z.number().int().min(0).max(MAX_TAKE)])
    .refine(([first, last]) => first <= last, 'the first take is after the last'),
});

/** The model input that spoken-digit features are (the speech-digits manifest's `input`). */
const LOG_MEL_INPUT = { kind: 'log-mel', ...DIGIT_FEATURES } as const;

/**
 * The recordings of `dir` whose take is in `takes` as the speech-digits model hears them: cut to the word by the
 * VAD, as log-mel frames (what its training validates on). `inputs` are the recordings' paths.
 */
export async function fsddDataset(dir: string, takes: readonly [number, number]): Promise<Dataset> {
  const recordings = (await listFsdd(dir)).filter((r) => r.take >= takes[0] && r.take <= takes[1]);
  const { rows, labels } = await validationExamples(recordings);
  const dataset = fromArrays({
    features: concatRows(rows),
    shape: [DIGIT_FEATURES.frames, DIGIT_FEATURES.mels, 1],
    labels,
    classes: [...DIGIT_WORDS],
    source: `FSDD ${dir}, takes ${takes[0]}-${takes[1]}: ${recordings.length} recordings`,
  });
  return { ...dataset, inputs: recordings.map((r) => r.path) };
}

const fsdd: DatasetLoader<z.infer<typeof fsddSchema>> = {
  schema: fsddSchema,
  task: 'speech-digits',
  load: async (data, at) => ({ dataset: await fsddDataset(at(data.path), data.takes), input: LOG_MEL_INPUT }),
};

/** Makes the registry's fsdd (`fsdd-wav`) readable; @dlkit/speech's entry point runs it on import. */
export function registerSpeechDatasets(): void {
  registerDatasetLoader('fsdd-wav', fsdd);
}
