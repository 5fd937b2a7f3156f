// bench/vision: a loop of classify calls on one photo through pipeline('image-classification'), for a CPU profile of
// the hot path (what is ours around sharp and onnxruntime). Usage (after pnpm build):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/vision/classify-loop.mjs [calls, default 200]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from '@dlkit/vision';
import { mirrorPath } from '../data.mjs';

const calls = Number(process.argv[2] ?? 200);
const photo = readFileSync(join(mirrorPath('images'), 'dog.jpg'));
const classifier = await pipeline('image-classification', undefined, { batchSize: 1 });
for (let i = 0; i < 10; i++) await classifier(photo, { topK: 5 }); // warm-up, kept out of the figure
const started = performance.now();
for (let i = 0; i < calls; i++) await classifier(photo, { topK: 5 });
console.log(`${((performance.now() - started) / calls).toFixed(2)} ms per classify (${calls} calls)`);
await classifier.dispose();
