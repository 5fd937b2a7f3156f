import { mkdir } from 'node:fs/promises';
import { expandInputs, writeFileAtomic } from '@dlkit/core';
import { createFaceAnalyzer, drawFaces, IMAGE_EXTENSIONS, type Face, type FaceMatch } from '@dlkit/vision';
import { UsageError } from '../cli-error.js';
import type { Output } from '../output.js';
import { assertStdinOnce, decimalNumber, maxPixelsOption, outputPaths } from './arguments.js';

export interface FacesArgs {
  images: string[];
  match?: string;
  maxPixels?: string;
  minConfidence?: string;
  out?: string;
}

type Box = Face['box'];

/** The closest pair between this image's faces and the reference's, with which face of each it was (0-based). */
export interface BestMatch extends FaceMatch {
  face: number;
  box: Box;
  referenceFace: number;
  referenceBox: Box;
}

const area = (f: Face) => (f.box.xmax - f.box.xmin) * (f.box.ymax - f.box.ymin);
const byArea = (faces: Face[]) => [...faces].sort((a, b) => area(b) - area(a));
const showBox = (b: Box) => `[${b.xmin}, ${b.ymin}, ${b.xmax}, ${b.ymax}]`;

function bestMatch(analyzer: { compare(a: Face, b: Face): FaceMatch }, faces: Face[], reference: Face[]): BestMatch | undefined {
  let best: BestMatch | undefined;
  for (const [i, a] of faces.entries()) {
    for (const [j, b] of reference.entries()) {
      const m = analyzer.compare(a, b);
      if (best === undefined || m.distance < best.distance) best = { ...m, face: i, box: a.box, referenceFace: j, referenceBox: b.box };
    }
  }
  return best;
}

// Faces are numbered from 1 in the text and on the drawn image, largest first; JSON keeps 0-based indexes.
function matchLine(ref: string, match: BestMatch | undefined, here: number, there: number): string {
  if (match === undefined) return `  match ${ref}: no face to compare (${here} here, ${there} there)`;
  const verdict = match.samePerson ? 'same person' : 'different people';
  return `  match ${ref}: ${verdict}: face #${match.face + 1} ${showBox(match.box)} and its face #${match.referenceFace + 1} ${showBox(match.referenceBox)} (distance ${match.distance.toFixed(3)}, threshold ${match.threshold})`;
}

const faceLine = (f: Face, i: number) =>
  `  #${i + 1} face ${(f.score * 100).toFixed(0)}%  ${showBox(f.box)}  ${f.gender} ~${Math.round(f.age)}  ${f.expression}`;

/** `dl vision faces <images> [--match ref.jpg] [--min-confidence N] [--out FILE|DIR]`; exit 1 if any image failed. */
export async function visionFaces(args: FacesArgs, out: Output): Promise<number> {
  if (args.images.length === 0) throw new UsageError('vision faces needs at least one image');
  assertStdinOnce([...args.images, args.match]);
  const minConfidence = decimalNumber('--min-confidence', args.minConfidence, { min: 0, max: 1 });
  const images = await expandInputs(args.images, { extensions: IMAGE_EXTENSIONS, onSkip: out.walkSkipped });
  const targets = args.out === undefined ? undefined : outputPaths(images, args.out, { extension: '.jpg', single: /\.(jpe?g|png)$/i, stem: 'image' });
  if (targets && targets.length > 1) await mkdir(args.out!, { recursive: true });
  const decode = maxPixelsOption(args.maxPixels);
  const analyzer = await createFaceAnalyzer({ ...decode, ...(minConfidence !== undefined ? { minConfidence } : {}) });
  try {
    const reference = args.match === undefined ? undefined : byArea(await analyzer.analyze(args.match));
    let failed = 0;
    for (const [i, input] of images.entries()) {
      // One image at a time: with --out its pixels are kept until it is drawn.
      const [result] = await analyzer.analyzeImages([input]);
      if (!result!.ok) {
        failed++;
        out.inputError(input, result!.error);
        continue;
      }
      const faces = byArea(result!.value.faces);
      if (targets) await writeFileAtomic(targets[i]!, await drawFaces(result!.value.image, faces, /\.png$/i.test(targets[i]!) ? 'png' : 'jpeg'));
      const match = reference === undefined ? undefined : bestMatch(analyzer, faces, reference);
      const lines = faces.map(faceLine);
      if (reference !== undefined) lines.push(matchLine(args.match!, match, faces.length, reference.length));
      const head = `${input}${targets ? ` -> ${targets[i]}` : ''}: ${faces.length} face${faces.length === 1 ? '' : 's'}`;
      out.result(input, reference === undefined ? faces : { faces, match: match ?? null }, [head, ...lines].join('\n'));
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await analyzer.dispose();
  }
}
