// bench/vision: does `dl vision faces` find faces only on faces? Every photo through the face analyzer twice:
// "before" as it shipped (score >= 0.3, no animal check) and "after" (the defaults now: score >= 0.5 + animal check).
// Photos: images/ of the DL_DATA_MIRROR folders (../shared/data here) and packages/vision/samples (the tuning split: thresholds were chosen on them)
// and the Debian packages' photos (held out: only reported). Get those with
//   apt-get download python3-skimage darknet opencv-doc && for d in *.deb; do dpkg -x $d /tmp/x; done
// Usage (after the vision build): node bench/vision/faces-report.mjs --debs /tmp/x  -> a markdown table on stdout.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pipeline } from '@dlkit/vision';
import { mirrorPath } from '../data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { debs: { type: 'string', default: '/tmp/x' } } });
const SHARED = mirrorPath('images');
const SAMPLES = join(here, '../../packages/vision/samples');
const SKIMAGE = join(values.debs, 'usr/lib/python3/dist-packages/skimage/data');
const DARKNET = join(values.debs, 'usr/share/darknet/data');
const OPENCV = join(values.debs, 'usr/share/doc/opencv-doc/examples');

// kind: 'face' = a person's face is visible (must give >= 1 face); 'animal' and 'object' must give none;
// 'people, no face' = people whose faces cannot be seen (back turned, a few pixels): none expected either.
const PHOTOS = [
  ['tune', 'face', join(SAMPLES, 'faces.jpg')],
  ['tune', 'people, no face', join(SHARED, 'person.jpg')],
  ['tune', 'animal', join(SHARED, 'dog.jpg')],
  ['tune', 'animal', join(SHARED, 'horses.jpg')],
  ['tune', 'animal', join(SHARED, 'chelsea.png')],
  ['tune', 'animal', join(SAMPLES, 'cat.jpg')],
  ['tune', 'object', join(SHARED, 'coffee.png')],
  ...['astronaut.png', 'camera.png'].map((n) => ['held-out', 'face', join(SKIMAGE, n)]),
  ...['messi5.jpg', 'basketball1.png', 'basketball2.png'].map((n) => ['held-out', 'face', join(OPENCV, 'data', n)]),
  ['held-out', 'people, no face', join(DARKNET, 'kite.jpg')],
  ['held-out', 'painting', join(DARKNET, 'scream.jpg')],
  ...['eagle.jpg', 'giraffe.jpg'].map((n) => ['held-out', 'animal', join(DARKNET, n)]),
  ['held-out', 'animal', join(SKIMAGE, 'horse.png')],
  ...['baboon.jpg', 'squirrel_cls.jpg', 'chicky_512.png', 'HappyFish.jpg', 'butterfly.jpg'].map((n) => ['held-out', 'animal', join(OPENCV, 'data', n)]),
  ['held-out', 'animal', join(OPENCV, 'hfs/data/000.jpg')],
  ...['rocket.jpg', 'coins.png', 'motorcycle_left.png'].map((n) => ['held-out', 'object', join(SKIMAGE, n)]),
  ...['apple.jpg', 'orange.jpg', 'fruits.jpg', 'building.jpg', 'home.jpg', 'aero1.jpg', 'stuff.jpg', 'starry_night.jpg', 'Blender_Suzanne1.jpg'].map((n) => ['held-out', 'object', join(OPENCV, 'data', n)]),
];

const scores = (faces) => (faces.length ? `${faces.length}: ${faces.map((f) => f.score.toFixed(2)).join(' ')}` : '0');
const verdict = (kind, n) => (kind === 'face' ? (n > 0 ? 'ok' : 'MISSED') : kind === 'painting' ? '-' : n === 0 ? 'ok' : 'WRONG');

async function analyzeAll({ threshold, ...load }, photos) {
  const analyzer = await pipeline('face-analysis', undefined, load);
  const started = performance.now();
  try {
    const results = await analyzer.each(photos.map(([, , path]) => path), threshold === undefined ? {} : { threshold });
    return { faces: results.map((r) => (r.ok ? r.value : [])), seconds: (performance.now() - started) / 1000 };
  } finally {
    await analyzer.dispose();
  }
}

const present = PHOTOS.filter(([, , path]) => existsSync(path) || (console.error(`skipped (absent): ${path}`), false));
const before = await analyzeAll({ threshold: 0.3, rejectAnimals: false }, present);
const after = await analyzeAll({}, present);
console.log('| split | photo | kind | before: faces, scores | after: faces, scores | after |');
console.log('|---|---|---|---|---|---|');
for (const [i, [split, kind, path]] of present.entries()) {
  const name = path.split('/').pop();
  console.log(`| ${split} | ${name} | ${kind} | ${scores(before.faces[i])} | ${scores(after.faces[i])} | ${verdict(kind, after.faces[i].length)} |`);
}
for (const split of ['tune', 'held-out']) {
  const rows = present.map((p, i) => [p, i]).filter(([p]) => p[0] === split);
  const count = (run, kind, test) => rows.filter(([p, i]) => p[1] === kind && test(run.faces[i].length)).length;
  const total = (kind) => rows.filter(([p]) => p[1] === kind).length;
  for (const [label, run] of [['before', before], ['after', after]]) {
    console.log(`${split} ${label}: people's faces found in ${count(run, 'face', (n) => n > 0)}/${total('face')}; a face on ${count(run, 'animal', (n) => n > 0)}/${total('animal')} animal photos, ${count(run, 'object', (n) => n > 0)}/${total('object')} object photos, ${count(run, 'people, no face', (n) => n > 0)}/${total('people, no face')} faceless-people photos`);
  }
}
console.log(`time (${present.length} photos, analyzer load excluded): before ${before.seconds.toFixed(1)} s, after ${after.seconds.toFixed(1)} s`);
