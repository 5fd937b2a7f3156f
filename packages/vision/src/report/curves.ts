import type { EpochLogs } from '@dlkit/core';
import { FONT, svgToPng, tick, xml } from './svg.js';

interface Series {
  name: string;
  colour: string;
  dashed: boolean;
  /** [epoch (1-based), value]; epochs whose value is missing or not finite are left out. */
  points: Array<[number, number]>;
}

const PANEL = { width: 440, height: 300, left: 56, right: 16, top: 36, bottom: 44 };

function series(history: readonly EpochLogs[], key: string, name: string, colour: string, dashed: boolean): Series {
  const points = history.flatMap((logs, i): Array<[number, number]> => {
    const v = logs[key];
    return typeof v === 'number' && Number.isFinite(v) ? [[i + 1, v]] : [];
  });
  return { name, colour, dashed, points };
}

/** A step of 1, 2 or 5 times a power of ten, about a quarter of `span`: ticks a reader takes in at a glance. */
function niceStep(span: number): number {
  const raw = span / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
}

/** Bounds for an axis holding `values`, on whole steps: accuracy keeps its top at 1 when it fits, a loss starts at 0. */
function yRange(values: number[], unit: boolean): [number, number, number] {
  const [min, max] = [Math.min(...values), Math.max(...values)];
  const low = unit && min >= 0 && max <= 1 ? Math.min(0.9, Math.floor(min * 10) / 10) : Math.min(0, min);
  const high = unit && min >= 0 && max <= 1 ? 1 : max;
  const step = niceStep(high > low ? high - low : 1);
  const bottom = Math.floor(low / step + 1e-9) * step;
  return [bottom, Math.max(bottom + step, Math.ceil(high / step - 1e-9) * step), step];
}

/** One chart of lines over the epochs, its top-left corner at (x0, 0). */
function panel(x0: number, title: string, lines: Series[], epochs: number, unit: boolean): string {
  const drawn = lines.filter((s) => s.points.length > 0);
  const { width, height, left, right, top, bottom } = PANEL;
  const [w, h] = [width - left - right, height - top - bottom];
  const [y0, y1, step] = yRange(drawn.flatMap((s) => s.points.map((p) => p[1])).concat(unit ? [] : [0]), unit);
  const px = (epoch: number) => x0 + left + (epochs === 1 ? w / 2 : ((epoch - 1) / (epochs - 1)) * w);
  const py = (v: number) => top + h - ((v - y0) / (y1 - y0)) * h;
  const out = [`<text x="${x0 + left + w / 2}" y="22" font-size="14" font-weight="bold" text-anchor="middle">${xml(title)}</text>`];
  out.push(`<rect x="${x0 + left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#888888"/>`);
  for (let v = y0; v <= y1 + step / 2; v += step) {
    out.push(`<line x1="${x0 + left}" x2="${x0 + left + w}" y1="${py(v)}" y2="${py(v)}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${x0 + left - 6}" y="${py(v) + 4}" font-size="11" text-anchor="end">${tick(v)}</text>`);
  }
  const every = Math.max(1, Math.ceil(epochs / 10));
  for (let e = 1; e <= epochs; e += every) out.push(`<text x="${px(e)}" y="${top + h + 16}" font-size="11" text-anchor="middle">${e}</text>`);
  out.push(`<text x="${x0 + left + w / 2}" y="${height - 8}" font-size="12" text-anchor="middle">epoch</text>`);
  drawn.forEach((s, k) => {
    const path = s.points.map(([e, v]) => `${px(e).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<polyline points="${path}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    if (s.points.length <= 30) for (const [e, v] of s.points) out.push(`<circle cx="${px(e)}" cy="${py(v)}" r="2.5" fill="${s.colour}"/>`);
    const ly = top + 14 + k * 16;
    out.push(`<line x1="${x0 + left + w - 120}" x2="${x0 + left + w - 100}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${x0 + left + w - 94}" y="${ly}" font-size="11">${xml(s.name)}</text>`);
  });
  return out.join('\n');
}

/**
 * Loss and accuracy per epoch, training and validation, side by side (Keras's history plot, Ultralytics'
 * results.png). A history without accuracy (a regression) draws the loss alone.
 */
export function curvesSvg(history: readonly EpochLogs[]): string {
  const epochs = history.length;
  const loss = [series(history, 'loss', 'train', '#1f77b4', false), series(history, 'val_loss', 'validation', '#ff7f0e', true)];
  const accuracy = [series(history, 'accuracy', 'train', '#1f77b4', false), series(history, 'val_accuracy', 'validation', '#ff7f0e', true)];
  const panels = [panel(0, 'loss', loss, epochs, false)];
  if (accuracy.some((s) => s.points.length > 0)) panels.push(panel(PANEL.width, 'accuracy', accuracy, epochs, true));
  const width = PANEL.width * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL.height}" viewBox="0 0 ${width} ${PANEL.height}" ${FONT}>`,
    `<rect width="${width}" height="${PANEL.height}" fill="#ffffff"/>`,
    ...panels,
    '</svg>',
  ].join('\n');
}

/** `curves.png` of a training run; undefined when the history has no epoch with a finite loss to draw. */
export async function curvesPng(history: readonly EpochLogs[]): Promise<Buffer | undefined> {
  if (!history.some((logs) => Number.isFinite(logs.loss))) return undefined;
  return svgToPng(curvesSvg(history));
}

