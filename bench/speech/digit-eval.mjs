// How a speech-digits model reads what transcription would hand it (the VAD's segments): FSDD recordings (a digit
// each) and non-digit audio it never trained on. Shared by loso.mjs and rejection.mjs.
import { basename } from 'node:path';
import { createRng } from '@dlkit/core';
import { readAudio, SAMPLE_RATE } from '@dlkit/speech';
import { DIGIT_VAD, DIGIT_WORDS, listSynthetic, loadSileroVad, noise } from '@dlkit/speech/training';

const VAD = { ...DIGIT_VAD, withAudio: true }; // as transcription cuts words

async function read(vad, recognizer, audio) {
  const out = [];
  for await (const s of vad.segments(audio, VAD)) out.push(...recognizer.recognize([s.audio]));
  return out;
}

/** Correct: the non-empty answers joined are the digit; falsely rejected: every answer is '' (or none). */
export async function readFsdd(recognizer, recordings) {
  const vad = await loadSileroVad();
  let correct = 0;
  let rejected = 0;
  try {
    for (const r of recordings) {
      const words = (await read(vad, recognizer, await readAudio(r.path))).map((c) => c.text).filter((t) => t !== '');
      if (words.join(' ') === DIGIT_WORDS[r.digit]) correct++;
      if (words.length === 0) rejected++;
    }
  } finally {
    await vad.dispose();
  }
  return { count: recordings.length, accuracy: correct / recordings.length, falseRejection: rejected / recordings.length };
}

/** Non-digit sounds never in training: pink noise and chords (held-out kinds), white noise at other levels (a seen kind). */
function heldOutNoise() {
  const rng = createRng(2026);
  const pause = new Float32Array(SAMPLE_RATE / 2);
  const clip = (kind, i) => noise(kind, 0.4 + (i % 5) * 0.3, 0.02 * 40 ** ((i % 7) / 6), rng);
  return {
    'pink noise (held-out kind)': Array.from({ length: 20 }, (_, i) => clip('pink', i)),
    'chords (held-out kind)': Array.from({ length: 20 }, (_, i) => concatSamples(clip('chord', i), pause, clip('chord', i + 3))),
    'white noise (seen kind)': Array.from({ length: 20 }, (_, i) => clip('white', i)),
  };
}

function concatSamples(...parts) {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

const group = (path) => basename(path).replace(/-\d+\.wav$/, '');

/** Per group of held-out non-digit audio: segments the VAD found, and the fraction answered '' (rejected). */
export async function readNonDigits(recognizer, syntheticDir) {
  const groups = {};
  for (const path of (await listSynthetic(syntheticDir)).heldout) (groups[group(path)] ??= []).push(path);
  const vad = await loadSileroVad();
  const out = [];
  try {
    const measure = async (name, clips) => {
      let segments = 0;
      let rejected = 0;
      for (const audio of clips) {
        for (const c of await read(vad, recognizer, audio)) (segments++, c.text === '' && rejected++);
      }
      out.push({ name, clips: clips.length, segments, rejected });
    };
    for (const [name, paths] of Object.entries(groups)) await measure(name, await Promise.all(paths.map((p) => readAudio(p))));
    for (const [name, clips] of Object.entries(heldOutNoise())) await measure(name, clips);
  } finally {
    await vad.dispose();
  }
  return out;
}

export const rejectionRate = (rows) => rows.reduce((a, r) => a + r.rejected, 0) / Math.max(1, rows.reduce((a, r) => a + r.segments, 0));
