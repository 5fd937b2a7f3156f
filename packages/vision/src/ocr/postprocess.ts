import type { Detection } from '../detect/postprocess.js';
import type { TesseractLine, TesseractPage } from './engine.js';
import type { QuarterTurn } from './preprocess.js';

export interface OcrWord {
  text: string;
  /** Tesseract's word confidence, 0-1. */
  confidence: number;
  box: Box;
}

export interface OcrLine {
  text: string;
  /** The mean confidence of its words, 0-1. */
  confidence: number;
  box: Box;
  words: OcrWord[];
}

export interface OcrResult {
  /** The lines kept, one per line of text; paragraphs and blocks apart by an empty line (as Tesseract prints). */
  text: string;
  lines: OcrLine[];
  /**
   * How far the input is turned clockwise from upright (0, 90, 180 or 270: it was read turned back by that much),
   * and how sure that is (the mean word confidence at that turn, 0-1).
   */
  orientation: { degrees: QuarterTurn; confidence: number };
  /** Said when lines were dropped under `minConfidence` (on a photo without text: every guess). */
  warning?: string;
}

type Box = Detection['box'];

/** How a box in the image that was read maps back to the input: the read image is the input turned clockwise by `turn`. */
export interface Frame {
  /** The input's size (upright, as decoded). */
  width: number;
  height: number;
  turn: QuarterTurn;
  /** Read-image pixels per input pixel (below 1 when a smaller copy was read). */
  scale: number;
}

/** A point of the read image in input pixels (continuous coordinates: corners, not pixel centres). */
function backPoint(x: number, y: number, { width, height, turn, scale }: Frame): [number, number] {
  const [u, v] = [x / scale, y / scale];
  if (turn === 90) return [v, height - u];
  if (turn === 180) return [width - u, height - v];
  if (turn === 270) return [width - v, u];
  return [u, v];
}

/** A Tesseract box in whole input pixels, inside the image. */
export function toInputBox(b: TesseractLine['bbox'], frame: Frame): Box {
  const [ax, ay] = backPoint(b.x0, b.y0, frame);
  const [bx, by] = backPoint(b.x1, b.y1, frame);
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, Math.round(v)));
  return {
    xmin: clamp(Math.min(ax, bx), frame.width),
    ymin: clamp(Math.min(ay, by), frame.height),
    xmax: clamp(Math.max(ax, bx), frame.width),
    ymax: clamp(Math.max(ay, by), frame.height),
  };
}

const unit = (confidence: number) => Math.round(Math.min(100, Math.max(0, confidence)) * 10) / 1000;

/** The box around boxes. */
function union(boxes: readonly Box[]): Box {
  return {
    xmin: Math.min(...boxes.map((b) => b.xmin)),
    ymin: Math.min(...boxes.map((b) => b.ymin)),
    xmax: Math.max(...boxes.map((b) => b.xmax)),
    ymax: Math.max(...boxes.map((b) => b.ymax)),
  };
}

/**
 * How well a page was read, 0-1: the mean confidence of its words that hold a letter or digit, each weighted by
 * its length (a page turned the wrong way reads as short junk at low confidence). 0 when there is no such word.
 */
export function readingScore(page: TesseractPage): number {
  let sum = 0;
  let chars = 0;
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        for (const word of line.words) {
          const n = [...word.text].filter((c) => /[\p{L}\p{N}]/u.test(c)).length;
          sum += n * word.confidence;
          chars += n;
        }
      }
    }
  }
  return chars === 0 ? 0 : unit(sum / chars);
}

/**
 * Whether most of the text stands in lines taller than wide: a page on its side, which Tesseract reads anyway (it
 * turns vertical lines itself) but whose orientation is then not upright.
 */
export function isSideways(page: TesseractPage): boolean {
  let vertical = 0;
  let all = 0;
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const { text, bbox } of paragraph.lines) {
        const n = text.trim().length;
        if (n < 3) continue;
        all += n;
        if (bbox.y1 - bbox.y0 > 1.5 * (bbox.x1 - bbox.x0)) vertical += n;
      }
    }
  }
  return all > 0 && vertical > all / 2;
}

/**
 * A line's words in input pixels, or none when their mean confidence is under `minConfidence`. The floor is a
 * line's, not each word's: in a line that reads well, a word Tesseract doubts is still its best reading (dropping
 * them lost more right words than wrong ones on the benchmark's tuning pages), while the guesses it makes on a
 * photo without text come as lines that are doubtful throughout.
 */
function keptLine(line: TesseractLine, frame: Frame, minConfidence: number): { words: OcrWord[]; dropped: number } {
  const words = line.words
    .map((word) => ({ text: word.text.trim(), confidence: unit(word.confidence), box: toInputBox(word.bbox, frame) }))
    .filter((word) => word.text !== '');
  if (words.length === 0 || meanConfidence(words) >= minConfidence) return { words, dropped: 0 };
  return { words: [], dropped: words.length };
}

const meanConfidence = (words: readonly OcrWord[]) => Math.round((words.reduce((s, w) => s + w.confidence, 0) / words.length) * 1000) / 1000;

function droppedWarning(dropped: number, kept: number, minConfidence: number): string | undefined {
  if (dropped === 0) return undefined;
  const what = `${dropped} word${dropped === 1 ? '' : 's'} in lines under minConfidence ${minConfidence} dropped`;
  return kept === 0 ? `no text read with confidence >= ${minConfidence}: ${what} (an image without text reads as a few low-confidence guesses)` : what;
}

/** Post-processing: Tesseract's blocks as our lines and words, boxes in input pixels, low-confidence lines dropped. */
export function toOcrResult(page: TesseractPage, frame: Frame, minConfidence: number, orientationConfidence: number): OcrResult {
  const lines: OcrLine[] = [];
  const paragraphs: string[] = [];
  let dropped = 0;
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      const texts: string[] = [];
      for (const line of paragraph.lines) {
        const kept = keptLine(line, frame, minConfidence);
        dropped += kept.dropped;
        if (kept.words.length === 0) continue;
        const text = kept.words.map((w) => w.text).join(' ');
        lines.push({ text, confidence: meanConfidence(kept.words), box: union(kept.words.map((w) => w.box)), words: kept.words });
        texts.push(text);
      }
      if (texts.length > 0) paragraphs.push(texts.join('\n'));
    }
  }
  const warning = droppedWarning(dropped, lines.length, minConfidence);
  const degrees = ((360 - frame.turn) % 360) as QuarterTurn;
  return { text: paragraphs.join('\n\n'), lines, orientation: { degrees, confidence: orientationConfidence }, ...(warning === undefined ? {} : { warning }) };
}
