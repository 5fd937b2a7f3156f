// RSS and tfjs tensors over 1,000 calls of each pipeline, after a warm-up: what a long-running service sees.
// Run: pnpm --filter @dlkit/bench bench:leaks [-- --calls 1000]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openOnnxSessions, selectTfjsBackend } from '@dlkit/core';
import { pipeline as nlp } from '@dlkit/nlp';
import { pipeline as vision } from '@dlkit/vision';
import sharp from 'sharp';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '1000' } } });
const calls = Number(values.calls);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const photos = await Promise.all([160, 320, 640].map((w) => sharp(join(REPO, 'packages/vision/samples/cat.jpg')).resize(w).jpeg().toBuffer()));
const { tf } = await selectTfjsBackend();
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

async function measure(name, create, call) {
  const pipeline = await create();
  // Long enough for libvips and the onnxruntime arena to reach their working size (see RESULTS.md).
  for (let i = 0; i < 200; i++) await call(pipeline, i);
  global.gc?.();
  const before = { rss: mb(), tensors: tf.memory().numTensors };
  const started = performance.now();
  for (let i = 0; i < calls; i++) await call(pipeline, i);
  const seconds = (performance.now() - started) / 1000;
  global.gc?.();
  const after = { rss: mb(), tensors: tf.memory().numTensors };
  await pipeline.dispose();
  return { pipeline: name, calls, seconds: Math.round(seconds), rssMB: `${before.rss} -> ${after.rss} (${(((after.rss - before.rss) / before.rss) * 100).toFixed(1)}%)`, tensors: `${before.tensors} -> ${after.tensors}` };
}

const rows = [
  await measure('classify (MobileNetV2, onnxruntime)', () => vision('image-classification'), (p, i) => p(photos[i % 3])),
  await measure('detect (CenterNet, tfjs wasm)', () => vision('object-detection'), (p, i) => p(photos[i % 3])),
  await measure('sentiment (tfjs wasm)', () => nlp('sentiment-analysis'), (p, i) => p(i % 2 ? 'A dull, lifeless film.' : 'Loved every minute of it.')),
];
for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
process.stdout.write(`${JSON.stringify({ openOnnxSessionsAfterDispose: openOnnxSessions(), tensorsAfterDispose: tf.memory().numTensors })}\n`);
