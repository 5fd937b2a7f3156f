import { describe, expect, it } from 'vitest';
import type { TesseractPage } from './engine.js';
import { isSideways, readingScore, toInputBox, toOcrResult } from './postprocess.js';

// A hand-set page (tiny, not Tesseract's output): tests the mapping and filtering wiring only.
function page(words: Array<{ text: string; confidence: number; bbox: { x0: number; y0: number; x1: number; y1: number } }>): TesseractPage {
  const bbox = { x0: Math.min(...words.map((w) => w.bbox.x0)), y0: Math.min(...words.map((w) => w.bbox.y0)), x1: Math.max(...words.map((w) => w.bbox.x1)), y1: Math.max(...words.map((w) => w.bbox.y1)) };
  const line = { text: words.map((w) => w.text).join(' '), confidence: 90, bbox, words };
  return { blocks: [{ paragraphs: [{ lines: [line] }] }] } as unknown as TesseractPage;
}

describe('OCR post-processing (hand-set fixture: wiring only)', () => {
  const box = { x0: 10, y0: 20, x1: 50, y1: 30 };

  it('maps a box of a page read turned 0/90/180/270 degrees clockwise back to input pixels', () => {
    // Input 100 x 60; the read image is the input turned clockwise (90 and 270: 60 x 100).
    expect(toInputBox(box, { width: 100, height: 60, turn: 0, scale: 1 })).toEqual({ xmin: 10, ymin: 20, xmax: 50, ymax: 30 });
    expect(toInputBox(box, { width: 100, height: 60, turn: 180, scale: 1 })).toEqual({ xmin: 50, ymin: 30, xmax: 90, ymax: 40 });
    expect(toInputBox(box, { width: 100, height: 60, turn: 90, scale: 1 })).toEqual({ xmin: 20, ymin: 10, xmax: 30, ymax: 50 });
    expect(toInputBox(box, { width: 100, height: 60, turn: 270, scale: 1 })).toEqual({ xmin: 70, ymin: 10, xmax: 80, ymax: 50 });
  });

  it('scales a box read on a smaller copy back up and clamps it to the image', () => {
    expect(toInputBox({ x0: 5, y0: 10, x1: 60, y1: 15 }, { width: 100, height: 60, turn: 0, scale: 0.5 })).toEqual({ xmin: 10, ymin: 20, xmax: 100, ymax: 30 });
  });

  it('keeps a line whose words average minConfidence whole (its doubtful word too) and drops a doubtful line with a warning', () => {
    const sure = page([
      { text: 'Total', confidence: 96, bbox: box },
      { text: '~', confidence: 12, bbox: { x0: 55, y0: 20, x1: 60, y1: 30 } },
      { text: 'due', confidence: 91, bbox: { x0: 62, y0: 20, x1: 90, y1: 30 } },
    ]);
    const result = toOcrResult(sure, { width: 100, height: 60, turn: 0, scale: 1 }, 0.5, readingScore(sure));
    expect(result.text).toBe('Total ~ due');
    expect(result.lines[0]).toMatchObject({ text: 'Total ~ due', confidence: 0.663, box: { xmin: 10, ymin: 20, xmax: 90, ymax: 30 } });
    expect(result.lines[0]!.words.map((w) => w.confidence)).toEqual([0.96, 0.12, 0.91]);
    expect(result.warning).toBeUndefined();
    expect(result.orientation).toEqual({ degrees: 0, confidence: readingScore(sure) });
    const doubtful = page([{ text: 'a', confidence: 37, bbox: box }, { text: 'A', confidence: 11, bbox: box }]);
    const none = toOcrResult(doubtful, { width: 100, height: 60, turn: 0, scale: 1 }, 0.5, readingScore(doubtful));
    expect(none).toMatchObject({ text: '', lines: [] });
    expect(none.warning).toMatch(/^no text read with confidence >= 0\.5: 2 words in lines under minConfidence 0\.5 dropped/);
  });

  it('scores a reading by its letters and digits (symbols do not count) and tells a sideways page by its tall lines', () => {
    expect(readingScore(page([{ text: 'ab', confidence: 90, bbox: box }, { text: '=', confidence: 10, bbox: box }, { text: 'c', confidence: 60, bbox: box }]))).toBe(0.8);
    expect(isSideways(page([{ text: 'abcdef', confidence: 90, bbox: { x0: 0, y0: 0, x1: 10, y1: 80 } }]))).toBe(true);
    expect(isSideways(page([{ text: 'abcdef', confidence: 90, bbox: { x0: 0, y0: 0, x1: 80, y1: 10 } }]))).toBe(false);
  });
});
