// Live transcription latency (issue 22): FSDD test takes of five speakers, joined with 0.4-0.8 s of silence, pushed
// into createStreamingTranscriber (speech-digits) in 20 ms chunks at real-time pace; for each final chunk, the time
// from when the audio at its segment's end was pushed to when the chunk arrived. Target: median <= 300 ms on 2 cores.
// With `partials`, the same with partial results on, and for each word the time from when the audio at its start was
// pushed to its first partial (words that got none are counted).
// Usage: pnpm --filter @dlkit/bench bench:speech-stream [takes per speaker, default 4] [partials]
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRng } from '@dlkit/core';
import { createStreamingTranscriber, readAudio, SAMPLE_RATE } from '@dlkit/speech';
import { DIGIT_WORDS, listFsdd } from '@dlkit/speech/training';
import { dataset } from '../data.mjs';

const PER_SPEAKER = Number(process.argv[2] ?? 4);
const PARTIALS = process.argv[3] === 'partials';
const CHUNK = 320; // 20 ms
const FSDD = join(await dataset('fsdd'), 'recordings');
const rng = createRng(11);
const bySpeaker = new Map();
for (const r of (await listFsdd(FSDD)).filter((r) => r.take <= 4)) bySpeaker.set(r.speaker, [...(bySpeaker.get(r.speaker) ?? []), r]);
const picked = [...bySpeaker.values()].flatMap((takes) => takes.sort(() => rng() - 0.5).slice(0, PER_SPEAKER)).sort(() => rng() - 0.5);
const parts = [];
for (const r of picked) parts.push(new Float32Array(Math.round((0.4 + 0.4 * rng()) * SAMPLE_RATE)), await readAudio(r.path));
parts.push(new Float32Array(SAMPLE_RATE));
const audio = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
parts.reduce((at, p) => (audio.set(p, at), at + p.length), 0);

// Warm-up: the first word read compiles the CNN's kernels, which a long-running listener pays once.
const warm = await createStreamingTranscriber();
warm.push(audio.subarray(0, 3 * SAMPLE_RATE));
warm.end();
for await (const _ of warm);
await warm.dispose();

const stream = await createStreamingTranscriber({ partials: PARTIALS });
const pushedAt = []; // wall time (ms) at which chunk i was pushed
const latencies = [];
const firstPartials = []; // per word: ms from its start's push to its first partial, or null when none came
const said = [];
const pushOf = (seconds) => pushedAt[Math.min(Math.ceil((seconds * SAMPLE_RATE) / CHUNK) - 1, pushedAt.length - 1)];
const reading = (async () => {
  let firstPartial;
  for await (const result of stream.results()) {
    const now = performance.now();
    if (!result.final) {
      firstPartial ??= now;
      continue;
    }
    latencies.push(now - pushOf(result.timestamp[1])); // from the chunk holding the segment's end
    firstPartials.push(firstPartial === undefined ? null : firstPartial - pushOf(result.timestamp[0]));
    firstPartial = undefined;
    said.push(result.text);
  }
})();
const load = loadavg()[0];
const t0 = performance.now();
for (let i = 0; i * CHUNK < audio.length; i++) {
  const due = t0 + (i * CHUNK * 1000) / SAMPLE_RATE;
  if (due > performance.now()) await sleep(due - performance.now());
  pushedAt.push(performance.now());
  stream.push(audio.subarray(i * CHUNK, (i + 1) * CHUNK));
}
stream.end();
await reading;
await stream.dispose();

const sorted = [...latencies].sort((a, b) => a - b);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const right = picked.filter((r, i) => said[i] === DIGIT_WORDS[r.digit]).length;
console.log(`${picked.length} FSDD test takes (${bySpeaker.size} speakers x ${PER_SPEAKER}), ${(audio.length / SAMPLE_RATE).toFixed(1)} s fed in 20 ms chunks at real-time pace; load average ${load.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
console.log(`| segments | median ms | p90 ms | max ms | words right |\n|---|---|---|---|---|`);
console.log(`| ${latencies.length} | ${q(0.5).toFixed(0)} | ${q(0.9).toFixed(0)} | ${sorted.at(-1).toFixed(0)} | ${right}/${picked.length} |`);
if (PARTIALS) {
  const got = firstPartials.filter((ms) => ms !== null).sort((a, b) => a - b);
  const median = got.length ? got[Math.floor(got.length / 2)].toFixed(0) : '-';
  console.log(`partials on: ${got.length}/${firstPartials.length} words had a partial before their final; first partial, from the word's start: median ${median} ms`);
}
