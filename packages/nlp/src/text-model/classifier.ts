import { DlError, errorMessage, loadLabels, loadLayersModel, readModelFile, selectTfjsBackend, type LayersModel, type LoadedManifest, type Tf } from '@dlkit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import { indexLexicon, inLexicon, LEXICON_FILE, parseLexicon, scoreLexicon, type LexiconIndex } from './lexicon.js';
import { encodeLinearWindow, indexLinearVocabulary, isLinearVocabulary, linearFeatureLength, parseLinearVocabulary, type LinearIndex } from './linear-features.js';
import { encodeWindow, featureLength, indexVocabulary, parseVocabulary, tokenWindows, type VocabularyIndex } from './vocabulary.js';

/** One label, in the shape of Hugging Face's text-classification pipeline. */
export interface TextLabel {
  label: string;
  score: number;
  /** Set when the text has no word the model knows (another language, emoji only): the scores are then even. */
  unknown?: true;
}

export const VOCABULARY_FILE = 'vocabulary.json';

/** A text model trained by dlkit, loaded: network, vocabulary and class names. */
export interface LocalTextModel {
  tf: Tf;
  model: LayersModel;
  /** The CNN + n-gram ensemble's vocabulary, or the linear model's (`kind: "linear"`, see linear-features.ts). */
  index: VocabularyIndex | LinearIndex;
  classes: string[];
  /** A two-class model's word-valence lexicon (lexicon.json), added to the network's log-odds. */
  lexicon?: LexiconIndex;
}

export function isLinearIndex(index: VocabularyIndex | LinearIndex): index is LinearIndex {
  return 'featureIds' in index;
}

/** Either vocabulary kind, checked, with the input width its network must have. */
function readIndex(raw: unknown, path: string): { index: VocabularyIndex | LinearIndex; width: number } {
  if (isLinearVocabulary(raw)) {
    const vocabulary = parseLinearVocabulary(raw, path);
    return { index: indexLinearVocabulary(vocabulary), width: linearFeatureLength(vocabulary) };
  }
  const vocabulary = parseVocabulary(raw, path);
  return { index: indexVocabulary(vocabulary), width: featureLength(vocabulary) };
}

export async function loadTextModel(loaded: LoadedManifest): Promise<LocalTextModel> {
  const path = loaded.paths.vocabulary;
  if (path === undefined) throw new DlError('MODEL_INVALID', `${loaded.dir} has no ${VOCABULARY_FILE}`);
  let raw: unknown;
  try {
    raw = JSON.parse((await readModelFile(loaded, 'vocabulary')).toString('utf8'));
  } catch (error) {
    throw new DlError('MODEL_INVALID', `Unreadable ${path}: ${errorMessage(error)}`, { cause: error });
  }
  const { index, width } = readIndex(raw, path);
  const classes = await loadLabels(loaded, undefined);
  const lexicon = await readLexicon(loaded, classes);
  const { tf } = await selectTfjsBackend();
  const model = await loadLayersModel(loaded);
  const input = model.inputs[0]?.shape[1];
  const output = model.outputs[0]?.shape[1];
  if (input !== width || output !== classes.length) {
    model.dispose();
    throw new DlError('MODEL_INVALID', `${loaded.dir}: the network (${input} inputs, ${output} outputs) does not match its vocabulary and labels`);
  }
  return { tf, model, index, classes, ...(lexicon ? { lexicon } : {}) };
}

/** The model's lexicon.json, when it has one: for two classes, the ones it names. */
async function readLexicon(loaded: LoadedManifest, classes: readonly string[]): Promise<LexiconIndex | undefined> {
  const path = loaded.paths.lexicon;
  if (path === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse((await readModelFile(loaded, 'lexicon')).toString('utf8'));
  } catch (error) {
    throw new DlError('MODEL_INVALID', `Unreadable ${path}: ${errorMessage(error)}`, { cause: error });
  }
  const lexicon = parseLexicon(raw, path);
  const named = [lexicon.negative, lexicon.positive].sort().join();
  if (classes.length !== 2 || [...classes].sort().join() !== named) {
    throw new DlError('MODEL_INVALID', `${path} scores ${named}; the model's labels are ${classes.join(', ')} (a ${LEXICON_FILE} needs two classes)`);
  }
  return indexLexicon(lexicon);
}

/**
 * Windows scored per text at most (~260,000 tokens at 64 a window, ~1.3 MB of English). A longer text is scored on
 * this many windows spread evenly through it: its average moves by well under a point, and a 10 MB text takes
 * seconds instead of a minute, so one huge input cannot hold a server.
 */
const MAX_WINDOWS = 4096;

/** Every window, or MAX_WINDOWS of them evenly spaced. */
function sampleWindows(windows: string[][]): string[][] {
  if (windows.length <= MAX_WINDOWS) return windows;
  return Array.from({ length: MAX_WINDOWS }, (_, k) => windows[Math.floor((k * windows.length) / MAX_WINDOWS)]!);
}

/** What a window holds besides the network's input: how many of its tokens the model knows, its lexicon score. */
export interface WindowEvidence {
  tokens: number;
  known: number;
  lexicon: number;
}

export interface TextInput {
  features: Float32Array;
  /** Each window's token count (its weight in the average). */
  weights: number[];
  /** Per window, with a lexicon only. */
  evidence?: WindowEvidence[];
}

/** A text as the network's input: one row per window, and each window's token count (its weight). */
export function preprocessText(index: VocabularyIndex | LinearIndex, text: string, lexicon?: LexiconIndex): TextInput {
  const windows = sampleWindows(tokenWindows(text, index.vocabulary.window));
  const linear = isLinearIndex(index);
  const width = linear ? linearFeatureLength(index.vocabulary) : featureLength(index.vocabulary);
  const features = new Float32Array(windows.length * width);
  windows.forEach((tokens, i) => {
    const row = features.subarray(i * width, (i + 1) * width);
    if (linear) encodeLinearWindow(index, tokens, row);
    else encodeWindow(index, tokens, row);
  });
  const weights = windows.map((w) => w.length);
  if (!lexicon) return { features, weights };
  const evidence = windows.map((tokens) => ({
    tokens: tokens.length,
    known: tokens.filter((t) => index.wordIds.has(t) || inLexicon(lexicon, t)).length,
    lexicon: scoreLexicon(lexicon, tokens).score,
  }));
  return { features, weights, evidence };
}

/** Rows per forward pass: a long document's windows go through in slices, so memory stays bounded. */
const ROWS_PER_PASS = 256;

/** Class probabilities of each row. */
export async function runTextModel(text: LocalTextModel, features: Float32Array, rows: number): Promise<Float32Array> {
  const width = features.length / rows;
  const classes = text.model.outputs[0]!.shape[1] as number;
  const out = new Float32Array(rows * classes);
  for (let start = 0; start < rows; start += ROWS_PER_PASS) {
    const end = Math.min(rows, start + ROWS_PER_PASS);
    out.set(
      text.tf.tidy(() => {
        const x = text.tf.tensor2d(features.subarray(start * width, end * width), [end - start, width]);
        return (text.model.predict(x) as tfc.Tensor).dataSync() as Float32Array;
      }),
      start * classes,
    );
    if (end < rows) await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

/** Window probabilities averaged by token count, as labels best first. */
export function combineWindows(probabilities: Float32Array, weights: readonly number[], classes: readonly string[]): TextLabel[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return classes
    .map((label, c) => ({ label, score: weights.reduce((sum, w, i) => sum + w * probabilities[i * classes.length + c]!, 0) / total }))
    .sort((a, b) => b.score - a.score);
}

/**
 * Tokens up to which the lexicon weighs in full; past them its weight falls as 1/length. The lexicon sees words
 * and "not"/"but" only, one clause's worth of evidence; in a long sentence the network, which reads the whole
 * context, gets the say (chosen with the weight on the dev set: see tune-sentiment-lexicon.mjs).
 */
const LEXICON_FULL_TOKENS = 8;

/**
 * A window's network probabilities with its evidence: the lexicon score joins the log-odds, and the log-odds
 * shrink by the share of tokens the model knows, so that a text in another language (a few known words
 * among many) gets a score near even instead of a guess.
 */
function weighEvidence(probabilities: Float32Array, evidence: WindowEvidence, lexicon: LexiconIndex, classes: readonly string[]): void {
  const positive = classes.indexOf(lexicon.lexicon.positive);
  const negative = 1 - positive;
  const clamp = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
  const logOdds = Math.log(clamp(probabilities[positive]!) / clamp(probabilities[negative]!)) +
    lexicon.lexicon.weight * evidence.lexicon * Math.min(1, LEXICON_FULL_TOKENS / evidence.tokens);
  const p = 1 / (1 + Math.exp(-logOdds * (evidence.known / evidence.tokens)));
  probabilities[positive] = p;
  probabilities[negative] = 1 - p;
}

/** The labels of one text from its windows' probabilities (post-processing). */
export function postprocessText(text: Pick<LocalTextModel, 'classes' | 'lexicon'>, probabilities: Float32Array, input: TextInput): TextLabel[] {
  const { lexicon, classes } = text;
  if (!lexicon || !input.evidence) return combineWindows(probabilities, input.weights, classes);
  if (input.evidence.every((e) => e.known === 0)) return classes.map((label) => ({ label, score: 1 / classes.length, unknown: true as const }));
  const own = probabilities.slice();
  input.evidence.forEach((e, i) => weighEvidence(own.subarray(i * classes.length, (i + 1) * classes.length), e, lexicon, classes));
  return combineWindows(own, input.weights, classes);
}
