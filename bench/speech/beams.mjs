// Whisper beam search against greedy decoding (issue 22 item 3): the same FSDD test takes (digits said in phrases,
// 0.3-0.8 s apart), transcribed with beams 1 (greedy), 2 and 5 by one loaded model; wall time per second of
// audio and how many of the digits come back as their words (a digit as a number, "4", counts too).
// Usage: pnpm --filter @dlkit/bench bench:speech-beams [model, default onnx-community/whisper-tiny.en] [phrases, default 20]
// (a hub model is fetched on first use; offline, pull it first where there is a network).
import { join } from 'node:path';
import { createRng } from '@dlkit/core';
import { encodeWav, pipeline, readAudio, SAMPLE_RATE } from '@dlkit/speech';
import { DIGIT_WORDS, listFsdd } from '@dlkit/speech/training';
import { dataset } from '../data.mjs';

const model = process.argv[2] ?? 'onnx-community/whisper-tiny.en';
const phrases = Number(process.argv[3] ?? 20);
const FSDD = join(await dataset('fsdd'), 'recordings');
const tests = (await listFsdd(FSDD)).filter((r) => r.take <= 4);
const rng = createRng(11);

/** A phrase of 3-6 digits as one 16 kHz WAV, and the digits said. */
async function phrase() {
  const parts = [new Float32Array(SAMPLE_RATE / 2)];
  const digits = [];
  for (let w = 0, words = 3 + Math.floor(4 * rng()); w < words; w++) {
    const r = tests[Math.floor(rng() * tests.length)];
    parts.push(await readAudio(r.path), new Float32Array(Math.round((0.3 + 0.5 * rng()) * SAMPLE_RATE)));
    digits.push(r.digit);
  }
  const audio = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (audio.set(p, at), at + p.length), 0);
  return { wav: encodeWav(audio, { sampleRate: SAMPLE_RATE }), seconds: audio.length / SAMPLE_RATE, digits };
}

/** Digits of `said` heard in `text`, in order (as words or figures). */
function heard(text, said) {
  const tokens = text.toLowerCase().match(/[a-z]+|\d/g) ?? [];
  const found = tokens.map((t) => (/\d/.test(t) ? Number(t) : DIGIT_WORDS.indexOf(t))).filter((d) => d >= 0);
  let at = 0;
  return said.filter((d) => (found.indexOf(d, at) >= 0 ? ((at = found.indexOf(d, at) + 1), true) : false)).length;
}

const inputs = [];
for (let i = 0; i < phrases; i++) inputs.push(await phrase());
const audioSeconds = inputs.reduce((n, p) => n + p.seconds, 0);
const said = inputs.reduce((n, p) => n + p.digits.length, 0);
const transcriber = await pipeline('automatic-speech-recognition', model, { threads: 2 });
await transcriber(inputs[0].wav); // warm-up
for (const beams of [1, 2, 5]) {
  const start = performance.now();
  let right = 0;
  for (const p of inputs) right += heard((await transcriber(p.wav, { beams })).text, p.digits);
  const wall = (performance.now() - start) / 1000;
  console.log(`beams ${beams}: ${wall.toFixed(1)} s for ${audioSeconds.toFixed(0)} s of audio (real-time factor ${(wall / audioSeconds).toFixed(3)}), ${right}/${said} digits heard`);
}
await transcriber.dispose();
