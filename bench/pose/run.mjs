// bench/pose: ms per image of pose-estimation on wasm, side by side in one run (medians of repeated calls):
// 1. dlkit end to end: pipeline('pose-estimation') on each photo (JPEG/PNG bytes to people with keypoints:
//    decode, CenterNet person boxes, one MoveNet call per person crop, mapping back).
// 2. the raw runtime anchor: the same two graph models through tfjs loadGraphModel + execute on tensors made
//    beforehand (CenterNet once, MoveNet once per person dlkit found), no decode, no pre/post-processing.
// 3. @vladmandic/human 3.3.6's own MoveNet call (body only, whole image, one person, own process).
// Usage (after pnpm build): DL_DATA_MIRROR=../shared/data node bench/pose/run.mjs [--runs N]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadGraphModel, loadLocalModel, parseModelReference, selectTfjsBackend } from '@dlkit/core';
import { pipeline } from '@dlkit/vision';
import { mirrorPath } from '../data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const RUNS = Number(values.runs);
const IMAGES = mirrorPath('images');
const PHOTOS = [
  ...['person.jpg', 'dog.jpg', 'horses.jpg', 'chelsea.png', 'coffee.png'].map((name) => join(IMAGES, name)),
  fileURLToPath(new URL('../../packages/vision/src/pose/fixtures/astronaut.jpg', import.meta.url)),
];

const mid = (times) => [...times].sort((x, y) => x - y)[Math.floor(times.length / 2)];

/** Medians of `fns` timed in alternation, so that each sees the same machine state (other sessions' threads). */
async function pairedMedians(fns, runs = RUNS) {
  for (const fn of fns) await fn(); // warm-up
  const times = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [k, fn] of fns.entries()) {
      const started = performance.now();
      await fn();
      times[k].push(performance.now() - started);
    }
  }
  return times.map(mid);
}

const { tf, backend } = await selectTfjsBackend();
console.log(`machine: ${cpus()[0]?.model}, ${cpus().length} cores; node ${process.versions.node}; tfjs ${backend}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${RUNS} runs, median`);

const pose = await pipeline('pose-estimation');
const graphOf = async (name) => loadGraphModel(await loadLocalModel(parseModelReference(name)));
const [centernet, movenet] = await Promise.all([graphOf('centernet'), graphOf('movenet-lightning')]);
const detectorInput = tf.zeros([1, 512, 512, 3]);
const poseInput = tf.zeros([1, 192, 192, 3], 'int32');
const raw = async (graph, input, output) => {
  const out = graph.execute(input, output);
  await out.data();
  out.dispose();
};

const human = JSON.parse(execFileSync(process.execPath, [join(here, 'human-pose.cjs'), String(RUNS), ...PHOTOS], { encoding: 'utf8' })).images;

console.log('| image | people (score) | dlkit ms | raw models ms | dlkit / raw | Human MoveNet ms (whole image) | Human score |');
console.log('|---|---|---|---|---|---|---|');
for (const path of PHOTOS) {
  const bytes = readFileSync(path);
  const people = await pose(bytes);
  const [ours, anchor] = await pairedMedians([
    () => pose(bytes),
    async () => {
      await raw(centernet, detectorInput, 'tower_0/detections');
      for (let i = 0; i < people.length; i++) await raw(movenet, poseInput, 'Identity:0');
    },
  ]);
  const theirs = human[path];
  const name = path.split('/').pop();
  const found = people.map((p) => p.score.toFixed(2)).join(', ') || 'none';
  const humanScore = theirs.found.map((b) => b.score).join(', ') || 'none';
  console.log(`| ${name} | ${people.length} (${found}) | ${ours.toFixed(1)} | ${anchor.toFixed(1)} | ${(ours / anchor).toFixed(2)}x | ${theirs.ms.toFixed(1)} | ${humanScore} |`);
}
const [moveOnly, centerOnly] = await pairedMedians([() => raw(movenet, poseInput, 'Identity:0'), () => raw(centernet, detectorInput, 'tower_0/detections')]);
console.log(`model calls alone: MoveNet Lightning 192 ${moveOnly.toFixed(1)} ms, CenterNet 512 ${centerOnly.toFixed(1)} ms`);
await pose.dispose();
