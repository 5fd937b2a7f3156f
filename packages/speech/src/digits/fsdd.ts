import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DlError } from '@dlkit/core';
import { readAudio, SAMPLE_RATE } from '../audio/read-audio.js';
import { concatSamples } from '../audio/samples.js';

/** One Free Spoken Digit Dataset recording: `{digit}_{speaker}_{take}.wav`. */
export interface FsddRecording {
  path: string;
  digit: number;
  speaker: string;
  take: number;
}

/** The recordings in a folder, sorted by name. The official split: takes 0-4 test, 5-49 train. */
export async function listFsdd(dir: string): Promise<FsddRecording[]> {
  const names = await readdir(dir).catch((error: unknown) => {
    throw new DlError('DATASET_INVALID', `${dir}: ${(error as Error).message}`, { cause: error });
  });
  const out: FsddRecording[] = [];
  for (const name of names.sort()) {
    const m = /^(\d)_([a-z]+)_(\d+)\.wav$/.exec(basename(name));
    if (m) out.push({ path: join(dir, name), digit: Number(m[1]), speaker: m[2]!, take: Number(m[3]) });
  }
  if (out.length === 0) throw new DlError('DATASET_INVALID', `${dir} holds no FSDD recordings ({digit}_{speaker}_{take}.wav)`);
  return out;
}

export const isTestTake = (r: FsddRecording) => r.take <= 4;

/**
 * Recordings of a folder (by name, without .wav) joined with `gapSeconds` of silence before, between and after:
 * a test utterance whose words and times are known.
 */
export async function joinRecordings(dir: string, names: readonly string[], gapSeconds: number): Promise<{ audio: Float32Array; times: Array<[number, number]> }> {
  const silence = new Float32Array(Math.round(gapSeconds * SAMPLE_RATE));
  const parts: Float32Array[] = [silence];
  const times: Array<[number, number]> = [];
  let at = silence.length;
  for (const name of names) {
    const clip = await readAudio(join(dir, `${name}.wav`));
    parts.push(clip, silence);
    times.push([at / SAMPLE_RATE, (at + clip.length) / SAMPLE_RATE]);
    at += clip.length + silence.length;
  }
  return { audio: concatSamples(...parts), times };
}
