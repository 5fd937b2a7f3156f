// Classifies every image in a folder (recursively) and writes one CSV row per image: file, label, score.
// Usage: node examples/classify-folder-to-csv.mjs <folder> [out.csv]
import { writeFile } from 'node:fs/promises';
import { expandInputs } from '@dlkit/core';
import { IMAGE_EXTENSIONS, pipeline } from '@dlkit/vision';

const [folder, out = 'labels.csv'] = process.argv.slice(2);
if (!folder) throw new Error('usage: classify-folder-to-csv.mjs <folder> [out.csv]');
const images = await expandInputs([folder], { extensions: IMAGE_EXTENSIONS });
const classify = await pipeline('image-classification');
const csv = (value) => `"${String(value).replaceAll('"', '""')}"`;
const rows = ['file,label,score'];
for (const [i, result] of (await classify.each(images, { topK: 1 })).entries()) {
  // A file that is not a readable image gets its error code instead of a label; the others go on.
  rows.push(result.ok ? [images[i], result.value[0].label, result.value[0].score.toFixed(4)].map(csv).join(',') : [images[i], result.error.code, ''].map(csv).join(','));
}
await classify.dispose();
await writeFile(out, `${rows.join('\n')}\n`);
console.log(`${images.length} images -> ${out}`);
