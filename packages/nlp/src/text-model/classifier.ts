import { DlError, errorMessage, loadLabels, loadLayersModel, readModelFile, selectTfjsBackend, type LoadedManifest, type Tf } from '@dlkit/core';
import type * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { encodeLinearWindow, indexLinearVocabulary, isLinearVocabulary, linearFeatureLength, parseLinearVocabulary, type LinearIndex } from './linear-features.js';
import { encodeWindow, featureLength, indexVocabulary, parseVocabulary, tokenWindows, type VocabularyIndex } from './vocabulary.js';

/** One label, in the shape of Hugging Face's text-classification pipeline. */
export interface TextLabel {
  label: string;
  score: number;
}

export const VOCABULARY_FILE = 'vocabulary.json';

/** A text model trained by dlkit, loaded: network, vocabulary and class names. */
export interface LocalTextModel {
  tf: Tf;
  model: LayersModel;
  /** The CNN + n-gram ensemble's vocabulary, or the linear model's (`kind: "linear"`, see linear-features.ts). */
  index: VocabularyIndex | LinearIndex;
  classes: string[];
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
  const { tf } = await selectTfjsBackend();
  const model = await loadLayersModel(loaded);
  const input = model.inputs[0]?.shape[1];
  const output = model.outputs[0]?.shape[1];
  const classes = await loadLabels(loaded, undefined);
  if (input !== width || output !== classes.length) {
    model.dispose();
    throw new DlError('MODEL_INVALID', `${loaded.dir}: the network (${input} inputs, ${output} outputs) does not match its vocabulary and labels`);
  }
  return { tf, model, index, classes };
}

/**
 * Windows scored per text at most (~260,000 tokens at 64 a window, ~1.3 MB of English). A longer text is scored on
 * this many windows spread evenly through it: its average moves by well under a point, and a 10 MB text takes
 * seconds instead of a minute, so one huge input cannot hold a server.
 */
export const MAX_WINDOWS = 4096;

/** Every window, or MAX_WINDOWS of them evenly spaced. */
function sampleWindows(windows: string[][]): string[][] {
  if (windows.length <= MAX_WINDOWS) return windows;
  return Array.from({ length: MAX_WINDOWS }, (_, k) => windows[Math.floor((k * windows.length) / MAX_WINDOWS)]!);
}

/** A text as the network's input: one row per window, and each window's token count (its weight). */
export function preprocessText(index: VocabularyIndex | LinearIndex, text: string): { features: Float32Array; weights: number[] } {
  const windows = sampleWindows(tokenWindows(text, index.vocabulary.window));
  const linear = isLinearIndex(index);
  const width = linear ? linearFeatureLength(index.vocabulary) : featureLength(index.vocabulary);
  const features = new Float32Array(windows.length * width);
  windows.forEach((tokens, i) => {
    const row = features.subarray(i * width, (i + 1) * width);
    if (linear) encodeLinearWindow(index, tokens, row);
    else encodeWindow(index, tokens, row);
  });
  return { features, weights: windows.map((w) => w.length) };
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
