// The same CenterNet through @vladmandic/human's own API, in its own process (Human brings its own tfjs setup):
// prints the median milliseconds per image from JPEG bytes to detections (sharp decode, as a Node user of Human
// must do, then human.detect() on the tensor), object detection only.
// Usage: node bench/vision/human-detect.cjs <image> <runs>
const { join, dirname } = require('node:path');
const sharp = require('sharp');
// Human's exports map names only its tfjs-node build; its wasm build is the file beside it.
const dist = dirname(require.resolve('@vladmandic/human'));
const { Human } = require(join(dist, 'human.node-wasm.js'));

// Node's fetch has no file:// (Human's wasm build loads models with fetch): serve those from disk.
const { readFileSync } = require('node:fs');
const { fileURLToPath } = require('node:url');
const httpFetch = globalThis.fetch;
globalThis.fetch = async (url, init) =>
  String(url).startsWith('file://') ? new Response(readFileSync(fileURLToPath(String(url)))) : httpFetch(url, init);

async function main() {
  const [image, runs = '10'] = process.argv.slice(2);
  const models = join(dist, '..', 'models');
  const wasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${join(wasm, 'dist')}/`,
    modelBasePath: `file://${models}/`,
    debug: false,
    cacheSensitivity: 0, // no reuse of the last frame's results: every call runs the model
    face: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
    object: { enabled: true, skipFrames: 0, skipTime: 0, modelPath: 'centernet.json', minConfidence: 0.3, iouThreshold: 0.5, maxDetected: 100 },
  });
  await human.load();
  await human.warmup?.();
  const bytes = require('node:fs').readFileSync(image);
  const times = [];
  let found = [];
  for (let i = 0; i < Number(runs) + 1; i++) {
    const started = performance.now();
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const tensor = human.tf.tensor4d(new Float32Array(data), [1, info.height, info.width, 3]);
    const result = await human.detect(tensor);
    human.tf.dispose(tensor);
    if (i > 0) times.push(performance.now() - started);
    found = result.object.map((o) => `${o.label} ${o.score}`);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ backend: human.tf.getBackend(), ms: times[Math.floor(times.length / 2)], found }));
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
