// ms per image of detect() with and without tiles on astronaut grids (1536 and 4096 px), decode included, and
// the people found: what 'auto' costs where it helps. Usage: node bench/vision/detect-tiles.mjs [runs]
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { pipeline } from '@dlkit/vision';

const ASTRONAUT = fileURLToPath(new URL('../../packages/vision/src/pose/fixtures/astronaut.jpg', import.meta.url));
const runs = Number(process.argv[2] ?? '3');

async function grid(n) {
  const one = await sharp(ASTRONAUT).toBuffer();
  const composite = Array.from({ length: n * n }, (_, i) => ({ input: one, left: (i % n) * 512, top: Math.floor(i / n) * 512 }));
  return sharp({ create: { width: n * 512, height: n * 512, channels: 3, background: '#000000' } }).composite(composite).jpeg().toBuffer();
}

const detect = await pipeline('object-detection');
await detect(await grid(1)); // warm-up: the first call compiles the model
for (const n of [3, 8]) {
  const bytes = await grid(n);
  for (const tiles of [false, 'auto', 512]) {
    const times = [];
    let found = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      found = await detect(bytes, { classes: ['person'], tiles });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ image: `${n * 512} px (${n}x${n} astronauts)`, tiles, ms: Math.round(times[Math.floor(times.length / 2)]), people: found.length }));
  }
}
await detect.dispose();
