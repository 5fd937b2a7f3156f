import type { OcrResult } from './postprocess.js';

/** Sure words in green, doubtful ones (under 0.85) in orange, each line's box in a thin blue. */
const SURE = 0.85;

/** The SVG shapes of an OCR answer over its image: a box around each line and each word, in input pixels. */
export function textShapes(result: Pick<OcrResult, 'lines'>, width: number, height: number): string {
  const stroke = Math.max(1, Math.round(Math.min(width, height) / 400));
  const rect = (b: { xmin: number; ymin: number; xmax: number; ymax: number }, colour: string, w: number) =>
    `<rect x="${b.xmin}" y="${b.ymin}" width="${b.xmax - b.xmin}" height="${b.ymax - b.ymin}" fill="none" stroke="${colour}" stroke-width="${w}"/>`;
  return result.lines
    .map((line) => [rect(line.box, '#4363d8', stroke), ...line.words.map((word) => rect(word.box, word.confidence >= SURE ? '#3cb44b' : '#f58231', stroke * 2))].join(''))
    .join('');
}
