import { DlError, oneAtATime, type TaskRunner } from '@dlkit/core';
import type { z } from 'zod';
import { ocrPeersMissing } from '../embedded.js';
import { decodeOptions, type DecodeOptions, type ImageInput, type RgbImage } from '../image/decode.js';
import type { ocrCallOptions, ocrLoadOptions } from '../tasks.js';
import { createEngine, PSM_OF_LAYOUT, resolveLanguages, type OcrEngine, type TesseractPage } from './engine.js';
import { isSideways, readingScore, toOcrResult, type OcrResult } from './postprocess.js';
import { decodePage, downscaled, QUARTER_TURNS, toPnm, turned, type QuarterTurn } from './preprocess.js';

export type OcrLoadOptions = z.infer<typeof ocrLoadOptions>;
export type OcrCallOptions = z.infer<typeof ocrCallOptions>;
export type OcrRunner = TaskRunner<ImageInput, OcrResult, OcrCallOptions>;

/** The one model name: Tesseract's LSTM recogniser with English from @tesseract.js-data/eng (see its dlkit.json). */
export const OCR_MODEL = 'tesseract-eng';

/** Lines whose words average under this are dropped unless the call says otherwise: the guesses on an image without text do (tuned on the benchmark seeds 1 and 2: real lines >= 0.56, guesses <= 0.4). */
export const DEFAULT_MIN_CONFIDENCE = 0.5;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Turns are tried only when the upright reading scores under this (clean upright pages score 0.9 and above, a page
 * upside down ~0.35, one on its side ~0.5); a turn is kept when it reads better by `TURN_MARGIN` and reaches
 * `MIN_TURN_SCORE`, so a photo without text stays as it is.
 */
const GOOD_READING = 0.75;
const TURN_MARGIN = 0.1;
const MIN_TURN_SCORE = 0.6;
/** Turns are tried on a copy no larger than this on its longer side: a quarter of a 3,200 px scan's work. */
const PROBE_SIDE = 1600;
const SIDE_TURNS = [90, 270] as const;
/**
 * Tesseract reads no image over 32,767 px a side: it answers nothing, which tesseract.js fails to parse ("Unexpected
 * end of JSON input"). A longer page (a strip, a long receipt) is read at the scale that fits.
 */
const TESSERACT_MAX_SIDE = 32_767;

interface Reading {
  page: TesseractPage;
  score: number;
  turn: QuarterTurn;
  scale: number;
}

/** When an image's time is up, and how long it had. */
interface Deadline {
  at: number;
  timeoutMs: number;
}

/** One recognition within what is left of the image's time. */
async function read(engine: OcrEngine, image: RgbImage, psm: string, deadline: Deadline): Promise<TesseractPage> {
  return engine.recognize(toPnm(image), psm, deadline.at, deadline.timeoutMs);
}

/**
 * The best turn of a smaller copy, if one reads clearly better than `upright` does. A page on its side reads well
 * upright too (Tesseract turns vertical lines itself): then the better of the two side turns is its orientation.
 */
async function probeTurns(engine: OcrEngine, page: RgbImage, upright: Reading, psm: string, deadline: Deadline, sideways: boolean): Promise<Reading | undefined> {
  const { image: probe, scale } = await downscaled(page, PROBE_SIDE);
  // On a smaller copy the upright page is read again, so that every turn is scored at the same size.
  let base = sideways ? 0 : scale === 1 ? upright.score : readingScore(await read(engine, probe, psm, deadline));
  let best: Reading | undefined;
  for (const turn of sideways ? SIDE_TURNS : QUARTER_TURNS.slice(1)) {
    const result = await read(engine, await turned(probe, turn), psm, deadline);
    const score = readingScore(result);
    if (score >= MIN_TURN_SCORE && score > base + TURN_MARGIN) {
      best = { page: result, score, turn, scale };
      base = score - TURN_MARGIN;
    }
  }
  return best;
}

/** The reading of the page at its best quarter turn: upright unless it reads poorly and a turn reads clearly better. */
async function recognise(engine: OcrEngine, page: RgbImage, call: OcrCallOptions, timeoutMs: number): Promise<OcrResult> {
  const deadline: Deadline = { at: Date.now() + timeoutMs, timeoutMs };
  const psm = PSM_OF_LAYOUT[call.layout ?? 'auto'];
  const minConfidence = call.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const { image: fitted, scale: fit } = await downscaled(page, TESSERACT_MAX_SIDE);
  const first = await read(engine, fitted, psm, deadline);
  let best: Reading = { page: first, score: readingScore(first), turn: 0, scale: fit };
  const sideways = isSideways(first);
  if (call.autoRotate !== false && (best.score < GOOD_READING || sideways)) {
    const probed = await probeTurns(engine, page, best, psm, deadline, sideways);
    if (probed !== undefined && probed.scale === 1) best = probed;
    else if (probed !== undefined) {
      const full = await read(engine, await turned(fitted, probed.turn), psm, deadline);
      best = { page: full, score: readingScore(full), turn: probed.turn, scale: fit };
    }
  }
  return toOcrResult(best.page, { width: page.width, height: page.height, turn: best.turn, scale: best.scale }, minConfidence, best.score);
}

/**
 * The image-to-text runner: Tesseract's LSTM recogniser (tesseract.js, wasm, in a worker thread) with the languages'
 * traineddata from local files only. Images are decoded by sharp (bounded by `maxPixels`) and handed over as pixels.
 */
export async function loadOcrRunner(model: string, options: OcrLoadOptions): Promise<OcrRunner> {
  if (model !== OCR_MODEL) {
    throw new DlError('MODEL_NOT_FOUND', `image-to-text runs '${OCR_MODEL}' (Tesseract LSTM), not '${model}': other languages are the languages option, with langPath for their files`, {
      hint: { kind: 'other-model', models: [OCR_MODEL], why: 'the one OCR model' },
    });
  }
  const languages = options.languages ?? ['eng'];
  // The default (English from its package) needs both peers: a project with neither is told both in one line.
  const missing = options.langPath === undefined && languages.length === 1 && languages[0] === 'eng' ? ocrPeersMissing() : undefined;
  if (missing !== undefined) throw missing;
  const engine = createEngine(await resolveLanguages(languages, options.langPath));
  await engine.start();
  const decode: DecodeOptions = decodeOptions(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const name = languages.length === 1 && languages[0] === 'eng' ? OCR_MODEL : `tesseract-${languages.join('+')}`;
  const readOne = async (input: ImageInput, call: OcrCallOptions): Promise<OcrResult> => recognise(engine, await decodePage(input, decode), call, timeoutMs);
  return { model: name, device: 'wasm', run: oneAtATime(readOne, name), dispose: () => engine.dispose() };
}
