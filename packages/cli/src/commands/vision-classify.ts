import { expandInputs } from '@dlkit/core';
import { createClassifier, IMAGE_EXTENSIONS } from '@dlkit/vision';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { assertStdinOnce, maxPixelsOption, positiveInt } from './arguments.js';

export interface ClassifyArgs {
  images: string[];
  topk?: string;
  model?: string;
  threads?: string;
  maxPixels?: string;
}

/** Returns the exit code: 1 if any image failed, after classifying all the others. */
export async function visionClassify(args: ClassifyArgs, out: Output): Promise<number> {
  if (args.images.length === 0) throw new UsageError('vision classify needs at least one image');
  assertStdinOnce(args.images);
  const topk = positiveInt('--topk', args.topk) ?? 5;
  const images = await expandInputs(args.images, { extensions: IMAGE_EXTENSIONS, onSkip: out.walkSkipped });
  const threads = positiveInt('--threads', args.threads);
  const classifier = await createClassifier({
    ...maxPixelsOption(args.maxPixels),
    ...(args.model !== undefined ? { model: args.model } : {}),
    ...(threads !== undefined ? { threads } : {}),
  });
  try {
    const results = await classifier.classifyEach(images, { topk });
    let failed = 0;
    results.forEach((result, i) => {
      const input = images[i]!;
      if (!result.ok) {
        failed++;
        out.inputError(input, result.error);
        return;
      }
      const lines = result.value.map((p) => `  ${(p.score * 100).toFixed(1).padStart(5)}%  ${p.label}`);
      out.result(input, result.value, `${input}\n${lines.join('\n')}`);
    });
    return failed > 0 ? 1 : 0;
  } finally {
    await classifier.dispose();
  }
}
