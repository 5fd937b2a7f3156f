// What the embedded CenterNet finds on every photo in a folder, with the library's defaults (threshold 0.3, per-class
// NMS at 0.5, one label per box), as a Markdown table; annotated images go to --out for checking by eye.
// The "also on that box" column reruns the photo with no suppression at all (--iou 1) and a low threshold (0.1): the
// other labels the model gave the same box (IoU > 0.7), i.e. what the one-label-per-box rule removed or what lay
// just below the threshold. Nothing here is tuned: the defaults are the ones shipped.
// Usage (after pnpm build): node bench/vision/detect-report.mjs [--images DIR] [--out DIR] [--model NAME|DIR|ID] [--agnostic]
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImage, drawDetections, pipeline } from '@dlkit/vision';
import { mirrorPath } from '../data.mjs';

const { values } = parseArgs({
  options: {
    // Default: images/ of the DL_DATA_MIRROR folders (see ../data.mjs).
    images: { type: 'string' },
    out: { type: 'string', default: '/tmp/dlkit-detect-report' },
    model: { type: 'string', default: 'centernet' },
    agnostic: { type: 'boolean', default: false },
  },
});

/** Intersection over union of two boxes, as the library computes it. */
function iou(a, b) {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const area = (r) => (r.xmax - r.xmin) * (r.ymax - r.ymin);
  return (w * h) / (area(a) + area(b) - w * h);
}

const pct = (score) => `${(score * 100).toFixed(0)}%`;
values.images ??= mirrorPath('images');
const photos = (await readdir(values.images)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
await mkdir(values.out, { recursive: true });
const detect = await pipeline('object-detection', values.model);
const rows = [];
try {
  for (const photo of photos) {
    const path = join(values.images, photo);
    const detections = await detect(path, { agnostic: values.agnostic });
    const image = await decodeImage(path);
    const raw = await detect(path, { threshold: 0.1, iou: 1 });
    await writeFile(join(values.out, photo.replace(extname(photo), '.png')), await drawDetections(image, detections, 'png'));
    if (detections.length === 0) rows.push(`| ${photo} | (nothing) | | | |`);
    for (const d of detections) {
      // Best score first, each label once (with --iou 1 a label can come twice on nearly the same box).
      const also = [...new Map(raw.filter((r) => r.label !== d.label && iou(r.box, d.box) > 0.7).reverse().map((r) => [r.label, r])).values()]
        .sort((a, b) => b.score - a.score)
        .map((r) => `${r.label} ${pct(r.score)}`);
      rows.push(`| ${photo} | ${d.label} | ${pct(d.score)} | [${d.box.xmin}, ${d.box.ymin}, ${d.box.xmax}, ${d.box.ymax}] | ${also.join(', ')} |`);
    }
  }
} finally {
  await detect.dispose();
}
console.log(`model ${detect.model} on ${detect.device}${values.agnostic ? ', --agnostic' : ''}, ${cpus().length} cores; annotated images in ${values.out}\n`);
console.log('| photo | label | score | box [xmin, ymin, xmax, ymax] | also on that box (>= 10%, before suppression) |');
console.log('|---|---|---|---|---|');
console.log(rows.join('\n'));
