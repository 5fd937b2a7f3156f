import { createClassifier } from '@dlkit/vision';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';

export interface ClassifyArgs {
  images: string[];
  topk?: string;
  model?: string;
  threads?: string;
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${value}'`);
  return n;
}

/** Returns the exit code: 1 if any image failed, after classifying all the others. */
export async function visionClassify(args: ClassifyArgs, out: Output): Promise<number> {
  if (args.images.length === 0) throw new UsageError('vision classify needs at least one image');
  const topk = positiveInt('--topk', args.topk) ?? 5;
  const threads = positiveInt('--threads', args.threads);
  const classifier = await createClassifier({
    ...(args.model !== undefined ? { model: args.model } : {}),
    ...(threads !== undefined ? { threads } : {}),
  });
  try {
    const results = await classifier.classifyEach(args.images, { topk });
    let failed = 0;
    results.forEach((result, i) => {
      const input = args.images[i]!;
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
