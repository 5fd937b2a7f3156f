// VAD-gated windows for Whisper (issue 22, items 2 and 5). 1: real-time factor of Silero VAD + the window planner
// on 1 hour of conversation-like audio made in memory as it is read (FSDD test takes in phrases, silence between:
// never written to disk), RSS at start and end. 2: memory over 8 hours, the planner alone over 8 hours of speech
// segments (16 kHz samples, as the VAD hands them over). 3: the VAD + planner over as much audio as they get
// through in a minute, RSS as they go. No Whisper: what is measured is what runs before the decoder.
// Usage: pnpm --filter @dlkit/bench bench:speech-windows [hours of stage 1, default 1]
import { join } from 'node:path';
import { createRng } from '@dlkit/core';
import { readAudio, SAMPLE_RATE } from '@dlkit/speech';
import { listFsdd, loadSileroVad, WindowPlanner } from '@dlkit/speech/training';
import { dataset } from '../data.mjs';

const hours = Number(process.argv[2] ?? 1);
/** Silero's options for Whisper, as the transcriber sets them (transcribe.ts, WHISPER_VAD). */
const VAD_OPTIONS = { padMs: 100, withAudio: true };
const FSDD = join(await dataset('fsdd'), 'recordings');
const takes = await Promise.all((await listFsdd(FSDD)).filter((r) => r.take <= 4).map((r) => readAudio(r.path)));
const mib = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);

/**
 * Phrases of 2-15 words (takes 0.05-0.4 s apart), 0.5-6 s of silence between phrases, for `seconds` of audio,
 * yielded part by part. `spoken.seconds` counts the takes' audio.
 */
function conversation(seconds, seed) {
  const rng = createRng(seed);
  const spoken = { seconds: 0 };
  async function* parts() {
    for (let made = 0; made < seconds * SAMPLE_RATE; ) {
      const words = 2 + Math.floor(14 * rng());
      for (let w = 0; w < words; w++) {
        const take = takes[Math.floor(rng() * takes.length)];
        const pause = new Float32Array(Math.round((w === 0 ? 0.5 + 5.5 * rng() : 0.05 + 0.35 * rng()) * SAMPLE_RATE));
        yield pause;
        yield take;
        made += pause.length + take.length;
        spoken.seconds += take.length / SAMPLE_RATE;
      }
    }
  }
  return { audio: parts(), spoken };
}

/** Segments through the planner; the windows' count, longest, total seconds and the time spent planning. */
async function planWindows(segments, onWindow = () => {}) {
  const planner = new WindowPlanner();
  const stats = { segments: 0, windows: 0, longest: 0, seconds: 0, planning: 0 };
  const count = (windows) => {
    for (const w of windows) {
      stats.windows++;
      stats.longest = Math.max(stats.longest, w.samples.length / SAMPLE_RATE);
      stats.seconds += w.samples.length / SAMPLE_RATE;
      onWindow(w);
    }
  };
  for await (const s of segments) {
    stats.segments++;
    const t = performance.now();
    const windows = planner.push(s);
    stats.planning += (performance.now() - t) / 1000;
    count(windows);
  }
  count(planner.flush());
  return stats;
}

// 1. VAD + planner, real-time factor.
const vad = await loadSileroVad();
const rssStart = mib();
const { audio, spoken } = conversation(hours * 3600, 1);
let start = performance.now();
const one = await planWindows(vad.segments(audio, VAD_OPTIONS));
const wall = (performance.now() - start) / 1000;
console.log(
  `1. VAD + planner, ${hours} h of audio (${(spoken.seconds / 60).toFixed(1)} min of it words): ${wall.toFixed(1)} s, real-time factor ${(wall / (hours * 3600)).toFixed(4)} ` +
    `(planner ${one.planning.toFixed(2)} s); ${one.segments} segments -> ${one.windows} windows, ${(one.seconds / 60).toFixed(1)} min sent to the decoder, longest ${one.longest.toFixed(2)} s; RSS ${rssStart} -> ${mib()} MiB`,
);

// 2. The planner alone over 8 hours of segments: phrases of 0.3-12 s, one in twenty a 30-70 s monologue.
const rng = createRng(2);
async function* segments8h(samples) {
  for (let at = 0.5; at < 8 * 3600; ) {
    const length = rng() < 0.05 ? 30 + 40 * rng() : 0.3 + 11.7 * rng();
    yield { start: at, end: at + length, audio: new Float32Array(Math.round(length * SAMPLE_RATE)).fill(0.1) };
    at += length + 0.2 + 5 * rng();
    samples(at);
  }
}
const rss8 = [];
let nextHour = 0;
start = performance.now();
const two = await planWindows(
  segments8h((at) => {
    if (at >= nextHour * 3600) (rss8.push(`${nextHour} h ${mib()}`), nextHour++);
  }),
);
console.log(`2. planner alone, 8 h of segments: ${((performance.now() - start) / 1000).toFixed(1)} s; ${two.segments} segments -> ${two.windows} windows, longest ${two.longest.toFixed(2)} s; RSS MiB at ${rss8.join(', ')}, end ${mib()}`);

// 3. VAD + planner for one minute of wall time, RSS every 10 minutes of audio.
const endless = conversation(Infinity, 3);
const rss3 = [];
let nextTen = 0;
let heard = 0;
start = performance.now();
async function* minute() {
  for await (const part of endless.audio) {
    heard += part.length;
    if (heard >= nextTen * 600 * SAMPLE_RATE) (rss3.push(`${nextTen * 10} min ${mib()}`), nextTen++);
    yield part;
    if (performance.now() - start > 60_000) return;
  }
}
const three = await planWindows(vad.segments(minute(), VAD_OPTIONS));
console.log(`3. VAD + planner for 60 s: ${(heard / SAMPLE_RATE / 60).toFixed(1)} min of audio, ${three.windows} windows; RSS MiB at ${rss3.join(', ')}, end ${mib()}`);
await vad.dispose();
