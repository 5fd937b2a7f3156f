// @vladmandic/human's own API on tfjs wasm, for the benchmarks that put it beside dlkit (bench/vision, bench/pose):
// one setup and one timing loop, so both time Human the same way.
const { join, dirname } = require('node:path');
const { readFileSync } = require('node:fs');
const { fileURLToPath } = require('node:url');
const sharp = require('sharp');
// Human's exports map names only its tfjs-node build; its wasm build is the file beside it.
const dist = dirname(require.resolve('@vladmandic/human'));
const { Human } = require(join(dist, 'human.node-wasm.js'));

// Node's fetch has no file:// (Human's wasm build loads models with fetch): serve those from disk.
const httpFetch = globalThis.fetch;
globalThis.fetch = async (url, init) => (String(url).startsWith('file://') ? new Response(readFileSync(fileURLToPath(String(url)))) : httpFetch(url, init));

const OFF = { face: { enabled: false }, body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, gesture: { enabled: false }, segmentation: { enabled: false }, filter: { enabled: false } };

/** Human on wasm with its shipped models and only the parts `enabled` names turned on, loaded and warmed up. */
async function createHuman(enabled) {
  const wasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${join(wasm, 'dist')}/`,
    modelBasePath: `file://${join(dist, '..', 'models')}/`,
    debug: false,
    cacheSensitivity: 0, // no reuse of the last frame's results: every call runs the model
    ...OFF,
    ...enabled,
  });
  await human.load();
  await human.warmup?.();
  return human;
}

/**
 * The median milliseconds of `runs` calls (after one warm-up) from the image's bytes to Human's result (sharp
 * decode, as a Node user of Human must do, then human.detect() on the tensor), and `pick` of the last result.
 */
async function timeDetect(human, bytes, runs, pick) {
  const times = [];
  let picked;
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const tensor = human.tf.tensor4d(new Float32Array(data), [1, info.height, info.width, 3]);
    const result = await human.detect(tensor);
    human.tf.dispose(tensor);
    if (i > 0) times.push(performance.now() - started);
    picked = pick(result);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], found: picked };
}

module.exports = { createHuman, timeDetect };
