import { mkdir } from 'node:fs/promises';
import { expandInputs, isDlError, writeFileAtomic } from '@dlkit/core';
import { createDetector, drawDetections, IMAGE_EXTENSIONS, resolveClasses, type Detector } from '@dlkit/vision';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { alreadyDone, assertStdinOnce, decimalNumber, maxPixelsOption, outputPaths, positiveInt } from './arguments.js';

export interface DetectArgs {
  images: string[];
  model?: string;
  threshold?: string;
  iou?: string;
  classes?: string;
  max?: string;
  out?: string;
  maxPixels?: string;
  skipExisting?: boolean;
  agnostic?: boolean;
}

/** `--classes a,b` in the model's spelling; an unknown name is a usage error naming the nearest label. */
function checkedClasses(list: string, detector: Detector): string[] {
  const names = list.split(',').map((c) => c.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--classes needs at least one label');
  try {
    return resolveClasses(names, detector.labels);
  } catch (error) {
    if (isDlError(error, 'INVALID_ARGUMENT')) throw new UsageError(`--classes: ${error.message}`);
    throw error;
  }
}

/** Returns the exit code: 1 if any image failed, after detecting in all the others. */
export async function visionDetect(args: DetectArgs, out: Output): Promise<number> {
  if (args.images.length === 0) throw new UsageError('vision detect needs at least one image');
  assertStdinOnce(args.images);
  const options = {
    ...(args.threshold !== undefined ? { threshold: decimalNumber('--threshold', args.threshold, { min: 0, max: 1 })! } : {}),
    ...(args.iou !== undefined ? { iou: decimalNumber('--iou', args.iou, { min: 0, max: 1 })! } : {}),
    ...(args.max !== undefined ? { maxDetections: positiveInt('--max', args.max)! } : {}),
    ...(args.agnostic ? { agnostic: true } : {}),
  };
  const images = await expandInputs(args.images, { extensions: IMAGE_EXTENSIONS, onSkip: out.walkSkipped });
  if (args.skipExisting && args.out === undefined) throw new UsageError('--skip-existing needs --out');
  const targets = args.out === undefined ? undefined : outputPaths(images, args.out, { extension: '.jpg', single: /\.(jpe?g|png)$/i, stem: 'image' });
  if (targets && targets.length > 1) await mkdir(args.out!, { recursive: true });
  const detector = await createDetector({ ...maxPixelsOption(args.maxPixels), ...(args.model !== undefined ? { model: args.model } : {}) });
  try {
    // Checked against the loaded model's own labels, so a hub model's classes are accepted too.
    const classes = args.classes === undefined ? {} : { classes: checkedClasses(args.classes, detector) };
    let failed = 0;
    for (const [i, input] of images.entries()) {
      const done = alreadyDone(targets, i, args.skipExisting);
      if (done !== undefined) {
        out.skipped(input, done);
        continue;
      }
      const [result] = await detector.detectEach([input], { ...options, ...classes, keepImage: targets !== undefined });
      if (!result!.ok) {
        failed++;
        out.inputError(input, result!.error);
        continue;
      }
      const { detections, image } = result!.value;
      if (targets && image) await writeFileAtomic(targets[i]!, await drawDetections(image, detections, /\.png$/i.test(targets[i]!) ? 'png' : 'jpeg'));
      const lines = detections.map((d) => `  ${(d.score * 100).toFixed(1).padStart(5)}%  ${d.label.padEnd(14)} [${d.box.xmin}, ${d.box.ymin}, ${d.box.xmax}, ${d.box.ymax}]`);
      out.result(input, detections, `${input}${targets ? ` -> ${targets[i]}` : ''}\n${lines.join('\n') || '  (nothing found)'}`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await detector.dispose();
  }
}
