import { expandInputs } from '@dlkit/core';
import { createFaceAnalyzer, IMAGE_EXTENSIONS, type Face, type FaceMatch } from '@dlkit/vision';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { assertStdinOnce, maxPixelsOption } from './arguments.js';

export interface FacesArgs {
  images: string[];
  match?: string;
  maxPixels?: string;
}

const area = (f: Face) => (f.box.xmax - f.box.xmin) * (f.box.ymax - f.box.ymin);

/** The closest pair between the faces of two images. */
function bestMatch(analyzer: { compare(a: Face, b: Face): FaceMatch }, faces: Face[], reference: Face[]): FaceMatch | undefined {
  let best: FaceMatch | undefined;
  for (const a of faces) for (const b of reference) {
    const m = analyzer.compare(a, b);
    if (best === undefined || m.distance < best.distance) best = m;
  }
  return best;
}

/** `dl vision faces <images> [--match ref.jpg]`; exit 1 if any image failed. */
export async function visionFaces(args: FacesArgs, out: Output): Promise<number> {
  if (args.images.length === 0) throw new UsageError('vision faces needs at least one image');
  assertStdinOnce([...args.images, args.match]);
  const images = await expandInputs(args.images, { extensions: IMAGE_EXTENSIONS, onSkip: out.walkSkipped });
  const analyzer = await createFaceAnalyzer(maxPixelsOption(args.maxPixels));
  try {
    const reference = args.match === undefined ? undefined : await analyzer.analyze(args.match);
    let failed = 0;
    for (const [i, result] of (await analyzer.analyzeEach(images)).entries()) {
      const input = images[i]!;
      if (!result.ok) {
        failed++;
        out.inputError(input, result.error);
        continue;
      }
      const faces = [...result.value].sort((a, b) => area(b) - area(a));
      const match = reference === undefined ? undefined : bestMatch(analyzer, faces, reference);
      const lines = faces.map(
        (f) => `  face ${(f.score * 100).toFixed(0)}%  [${f.box.xmin}, ${f.box.ymin}, ${f.box.xmax}, ${f.box.ymax}]  ${f.gender} ~${Math.round(f.age)}  ${f.expression}`,
      );
      if (reference !== undefined) {
        lines.push(
          match === undefined
            ? `  match ${args.match}: no face to compare (${faces.length} here, ${reference.length} there)`
            : `  match ${args.match}: ${match.samePerson ? 'same person' : 'different people'} (distance ${match.distance.toFixed(3)}, threshold ${match.threshold})`,
        );
      }
      out.result(input, reference === undefined ? faces : { faces, match: match ?? null }, `${input}: ${faces.length} face${faces.length === 1 ? '' : 's'}\n${lines.join('\n')}`);
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await analyzer.dispose();
  }
}
