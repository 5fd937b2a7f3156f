import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DlError, dlSettings } from '@dlkit/core';

/**
 * The synthetic speech packages/speech/scripts/synth-speech.sh writes (espeak-ng, flite and festival voices):
 * `digits/<digit>-<voice>.wav`, `unknown/<voice>-<n>.wav` (the unknown class), `heldout/<voice>-<n>.wav`
 * (non-digit speech by voices, sentences and languages unknown/ lacks: only for measuring rejection).
 */
export interface SyntheticSpeech {
  digits: Array<{ path: string; digit: number }>;
  unknown: string[];
  heldout: string[];
}

/** Where synth-speech.sh writes by default and training looks: `DL_CACHE/datasets/speech-digits-synth`. */
export const defaultSyntheticDir = () => join(dlSettings().cacheDir, 'datasets', 'speech-digits-synth');

async function wavs(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: unknown) => {
    throw new DlError('DATASET_INVALID', `${dir}: ${(error as Error).message}; make it with packages/speech/scripts/synth-speech.sh`, { cause: error });
  });
  return names.filter((n) => n.endsWith('.wav')).sort().map((n) => join(dir, n));
}

export async function listSynthetic(dir: string = defaultSyntheticDir()): Promise<SyntheticSpeech> {
  const digits = (await wavs(join(dir, 'digits'))).map((path) => ({ path, digit: Number(/^(\d)-/.exec(basename(path))?.[1]) }));
  const out = { digits: digits.filter((d) => Number.isInteger(d.digit)), unknown: await wavs(join(dir, 'unknown')), heldout: await wavs(join(dir, 'heldout')) };
  if (out.digits.length === 0 || out.unknown.length === 0) throw new DlError('DATASET_INVALID', `${dir} holds no synthetic digits or unknown speech; make it with packages/speech/scripts/synth-speech.sh`);
  return out;
}
