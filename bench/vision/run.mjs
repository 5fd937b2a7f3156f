// bench/vision: classify and detect, side by side in one run (the 2-core dev VM; medians of repeated runs).
// 1. classify overhead: dlkit's classifier vs the bare onnxruntime session on the same preprocessed tensor
//    (model call only), and end to end from JPEG bytes vs a minimal hand-written sharp + onnxruntime pipeline.
// 2. classify throughput at batch 1, 8 and 32.
// 3. detect: dlkit on wasm and on cpu, and the same CenterNet through @vladmandic/human's API (own process).
// Usage (after pnpm build): node bench/vision/run.mjs [--runs N]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { loadLocalModel, parseModelReference } from '@dlkit/core';
import { pipeline } from '@dlkit/vision';
import { mirrorPath } from '../data.mjs';
import { createRuntime } from '../../packages/vision/dist/classify/runtime.js';
import { createPreprocessor, parseClassifierInput } from '../../packages/vision/dist/classify/preprocess.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);
const IMAGES = mirrorPath('images');
const photo = readFileSync(join(IMAGES, 'dog.jpg'));

/**
 * Medians of `a` and `b` timed in alternation, so that both see the same machine state (other sessions' threads),
 * then their fastest runs (what is left of each when the machine is busy: the nearest to an idle figure).
 */
async function pairedMedians(a, b, runs = RUNS) {
  await a();
  await b();
  const [ta, tb] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const [fn, times] of [[a, ta], [b, tb]]) {
      const started = performance.now();
      await fn();
      times.push(performance.now() - started);
    }
  }
  const mid = (t) => t.sort((x, y) => x - y)[Math.floor(t.length / 2)];
  return [mid(ta), mid(tb), ta[0], tb[0]];
}

async function median(fn, runs = RUNS) {
  await fn(); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

console.log(`machine: ${cpus()[0]?.model}, ${cpus().length} cores; node ${process.versions.node}; onnxruntime-node ${ort.env.versions?.common ?? ''}; ${RUNS} runs, median`);

// 1. classify overhead
const loaded = await loadLocalModel(parseModelReference('mobilenetv2'), 'image-classification');
const spec = parseClassifierInput(loaded.manifest.input, 'mobilenetv2');
const pre = createPreprocessor(spec);
const tensor = await pre.load(photo, {});
const runtime = await createRuntime(loaded, {});
const session = await ort.InferenceSession.create(loaded.paths.model);
const bareRun = async (data) => {
  const input = new ort.Tensor('float32', data, [1, ...pre.shape]);
  const out = await session.run({ [session.inputNames[0]]: input });
  return out[session.outputNames[0]].data;
};
const [oursModel, bareModel] = await pairedMedians(() => runtime.run(tensor, 1, pre.shape), () => bareRun(tensor));
await runtime.dispose();
// What one would write by hand: resize the shorter side to 256 (sharp's default lanczos3, as ours), centre-crop 224,
// normalise. No EXIF rotation, alpha flattening or sRGB step: dog.jpg (orientation 1, no alpha, sRGB) needs none, and
// the check below shows both sides feed the model the same floats.
async function barePreprocess(bytes) {
  const { data, info } = await sharp(bytes).resize(256, 256, { fit: 'outside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const [left, top] = [Math.floor((info.width - 224) / 2), Math.floor((info.height - 224) / 2)];
  const x = new Float32Array(3 * 224 * 224);
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  for (let y = 0; y < 224; y++)
    for (let xx = 0; xx < 224; xx++)
      for (let c = 0; c < 3; c++) x[c * 224 * 224 + y * 224 + xx] = (data[((top + y) * info.width + left + xx) * 3 + c] / 255 - mean[c]) / std[c];
  return x;
}
const bareTensor = await barePreprocess(photo);
const unequal = bareTensor.filter((v, i) => v !== tensor[i]).length;
const classifier = await pipeline('image-classification', undefined, { batchSize: 1 });
const [oursE2e, bareE2e, oursFastest, bareFastest] = await pairedMedians(() => classifier(photo, { topK: 5 }), async () => bareRun(await barePreprocess(photo)));
console.log('\n| classify (MobileNetV2 int8, dog.jpg 768x576) | dlkit ms | bare onnxruntime ms | ratio |');
console.log('|---|---|---|---|');
console.log(`| model call on the same tensor | ${oursModel.toFixed(2)} | ${bareModel.toFixed(2)} | ${(oursModel / bareModel).toFixed(3)}x |`);
console.log(`| end to end from JPEG bytes | ${oursE2e.toFixed(2)} | ${bareE2e.toFixed(2)} | ${(oursE2e / bareE2e).toFixed(3)}x |`);
console.log(`| end to end, fastest of ${RUNS} | ${oursFastest.toFixed(2)} | ${bareFastest.toFixed(2)} | ${(oursFastest / bareFastest).toFixed(3)}x |`);
console.log(`\nmodel inputs of the two pipelines: ${unequal === 0 ? 'identical' : `${unequal} of ${tensor.length} floats differ`}`);
await classifier.dispose();
await session.release();

// 2. throughput
const batchImages = Array.from({ length: 32 }, () => photo);
console.log('\n| classify batch size | images/s (32 images) |');
console.log('|---|---|');
for (const batchSize of [1, 8, 32]) {
  const c = await pipeline('image-classification', undefined, { batchSize });
  const ms = await median(() => c.each(batchImages), Math.max(3, Math.floor(RUNS / 5)));
  console.log(`| ${batchSize} | ${((32 * 1000) / ms).toFixed(1)} |`);
  await c.dispose();
}

// 3. detect
const rows = [];
for (const backend of ['wasm', 'cpu']) {
  const out = execFileSync(process.execPath, [join(here, 'detect-once.mjs'), join(IMAGES, 'dog.jpg'), backend === 'cpu' ? '3' : String(RUNS)], {
    encoding: 'utf8',
    env: { ...process.env, DL_BACKEND: backend },
  });
  rows.push({ name: `dlkit, tfjs ${backend}`, ...JSON.parse(out.trim().split('\n').pop()) });
}
const human = JSON.parse(execFileSync(process.execPath, [join(here, 'human-detect.cjs'), join(IMAGES, 'dog.jpg'), String(RUNS)], { encoding: 'utf8' }).trim().split('\n').pop());
rows.push({ name: `@vladmandic/human 3.3.6 API, tfjs ${human.backend}`, ms: human.ms, found: human.found });
console.log('\n| detect (CenterNet 512, dog.jpg), JPEG bytes to detections | ms per image | vs human | found |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.ms.toFixed(1)} | ${(r.ms / human.ms).toFixed(2)}x | ${r.found.join(', ')} |`);
