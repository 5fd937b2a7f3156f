import { FONT, shorten, svgToPng, xml } from './svg.js';

/** The blues of a sequential colour scale, from an empty row share (white) to all of it (dark blue). */
const LIGHT = [247, 251, 255];
const DARK = [8, 48, 107];

function blue(share: number): string {
  const [r, g, b] = LIGHT.map((l, i) => Math.round(l + (DARK[i]! - l) * share));
  return `rgb(${r},${g},${b})`;
}

/** Side of a cell: the matrix stays about 640 px wide, cells between 8 and 56 px. */
const cellSide = (classes: number) => Math.max(8, Math.min(56, Math.floor(640 / classes)));

/**
 * The confusion matrix as SVG: rows are the true classes, columns the predicted ones; each cell is coloured by its
 * share of the row (so a rare class reads as clearly as a common one) and shows its count when there is room.
 */
export function confusionMatrixSvg(classes: readonly string[], confusion: readonly (readonly number[])[], title = 'Confusion matrix'): string {
  const n = classes.length;
  const cell = cellSide(n);
  const names = classes.map((c) => xml(shorten(c, 18)));
  const longest = Math.max(...names.map((c) => c.length), 4);
  const fontSize = Math.max(8, Math.min(13, cell * 0.45));
  const left = 40 + Math.ceil(longest * fontSize * 0.62);
  const top = 48;
  const bottom = 40 + Math.ceil(longest * fontSize * 0.62);
  const [width, height] = [left + n * cell + 24, top + n * cell + bottom];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left + (n * cell) / 2}" y="24" font-size="15" text-anchor="middle" font-weight="bold">${xml(title)} (rows normalised)</text>`,
  ];
  confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      const share = total === 0 ? 0 : count / total;
      const [x, y] = [left + p * cell, top + t * cell];
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${blue(share)}" stroke="#d0d0d0" stroke-width="0.5"/>`);
      if (cell >= 20) {
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + fontSize * 0.35}" font-size="${fontSize}" text-anchor="middle" fill="${share > 0.5 ? '#ffffff' : '#000000'}">${count}</text>`);
      }
    });
  });
  names.forEach((name, i) => {
    const middle = i * cell + cell / 2;
    parts.push(`<text x="${left - 6}" y="${top + middle + fontSize * 0.35}" font-size="${fontSize}" text-anchor="end">${name}</text>`);
    const [x, y] = [left + middle + fontSize * 0.35, top + n * cell + 6];
    parts.push(`<text x="${x}" y="${y}" font-size="${fontSize}" text-anchor="end" transform="rotate(-90 ${x} ${y})">${name}</text>`);
  });
  parts.push(`<text x="${left + (n * cell) / 2}" y="${height - 10}" font-size="13" text-anchor="middle">predicted</text>`);
  parts.push(`<text x="14" y="${top + (n * cell) / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 14 ${top + (n * cell) / 2})">true</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** `confusion_matrix.png` of a report: see `confusionMatrixSvg`. */
export function confusionMatrixPng(classes: readonly string[], confusion: readonly (readonly number[])[], title?: string): Promise<Buffer> {
  return svgToPng(confusionMatrixSvg(classes, confusion, title));
}
