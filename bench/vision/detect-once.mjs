// One backend per process (tfjs picks its backend once): median ms of detect() on one image, decode included.
// Usage: DL_BACKEND=wasm|cpu node bench/vision/detect-once.mjs <image> <runs>
import { readFileSync } from 'node:fs';
import { pipeline } from '@dlkit/vision';

const [image, runs = '10'] = process.argv.slice(2);
const bytes = readFileSync(image);
const detect = await pipeline('object-detection');
let found = [];
const times = [];
for (let i = 0; i < Number(runs) + 1; i++) {
  const started = performance.now();
  found = await detect(bytes);
  if (i > 0) times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ ms: times[Math.floor(times.length / 2)], found: found.map((d) => `${d.label} ${d.score.toFixed(2)}`) }));
