// Real-time factor of `dl speech transcribe` with the embedded speech-digits model on 60 s of real speech
// (FSDD test takes of all five speakers, with 0.3-0.8 s of silence between them), and where the time goes:
// reading + resampling, Silero VAD, log-mel features, the CNN. Usage: pnpm --filter @dlkit/bench bench:speech-rtf
import { join } from 'node:path';
import { createRng } from '@dlkit/core';
import { encodeWav, pipeline, readAudio, resample, SAMPLE_RATE } from '@dlkit/speech';
import { digitFeatures, DIGIT_WORDS, listFsdd, loadSileroVad } from '@dlkit/speech/training';
import { dataset } from '../data.mjs';

const FSDD = join(await dataset('fsdd'), 'recordings');
const tests = (await listFsdd(FSDD)).filter((r) => r.take <= 4);
const rng = createRng(7);
const parts = [];
const words = [];
let length = 0;
for (let i = 0; length < 60 * SAMPLE_RATE; i++) {
  const r = tests[Math.floor(rng() * tests.length)];
  const gap = new Float32Array(Math.round((0.3 + 0.5 * rng()) * SAMPLE_RATE));
  const audio = await readAudio(r.path);
  parts.push(gap, audio);
  words.push(DIGIT_WORDS[r.digit]);
  length += gap.length + audio.length;
}
const all = new Float32Array(length);
let at = 0;
for (const p of parts) (all.set(p, at), (at += p.length));
const seconds = all.length / SAMPLE_RATE;
// The file a user would have: 44.1 kHz is what most recorders write; resampling is part of the work measured.
const wav = encodeWav(resample(all, SAMPLE_RATE, 44_100), { sampleRate: 44_100 });

const transcriber = await pipeline('automatic-speech-recognition', 'speech-digits');
await transcriber(encodeWav(all.subarray(0, 2 * SAMPLE_RATE), { sampleRate: SAMPLE_RATE })); // warm-up: first-call compilation
const timed = async (fn) => {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
};
const [transcript, total] = await timed(() => transcriber(wav));
const [decoded, decode] = await timed(() => readAudio(wav));
const vad = await loadSileroVad();
const [segments, vadTime] = await timed(async () => {
  const out = [];
  for await (const s of vad.segments(decoded, { withAudio: true })) out.push(s);
  return out;
});
const [, features] = await timed(async () => segments.map((s) => digitFeatures(s.audio)));
await vad.dispose();
await transcriber.dispose();

const said = transcript.text.split(' ');
let same = 0;
for (let i = 0; i < Math.min(said.length, words.length); i++) if (said[i] === words[i]) same++;
console.log(`| stage | seconds for ${seconds.toFixed(1)} s of audio | real-time factor |\n|---|---|---|`);
for (const [name, s] of [['whole pipeline (dl speech transcribe)', total], ['read WAV + resample 44.1 -> 16 kHz', decode], ['Silero VAD', vadTime], ['log-mel features', features]]) {
  console.log(`| ${name} | ${s.toFixed(3)} | ${(s / seconds).toFixed(4)} |`);
}
console.log(`\n${words.length} words spoken, ${said.length} transcribed, ${same} in place (${((same / words.length) * 100).toFixed(1)}%)`);
