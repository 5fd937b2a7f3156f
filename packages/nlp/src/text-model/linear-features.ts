import { DlError } from '@dlkit/core';

/**
 * What turns a text into the input of the linear text model (`vocabulary.json` with `kind: "linear"`):
 * TF-IDF of word 1-2-grams and of character 2-5-grams inside words (each block L2-normalised, as
 * scikit-learn's TfidfVectorizer with sublinear tf), plus the mean of the pretrained word vectors of the
 * text's words. Few rows cannot teach a CNN; n-grams carry what the rows say and the vectors carry what
 * words mean beyond them.
 */
export interface LinearVocabulary {
  kind: 'linear';
  /** Tokens per window; a longer text is scored by windows of whole sentences, as the CNN model does. */
  window: number;
  /** N-gram slots per window: the strongest `slots` n-grams of a window are kept. */
  slots: number;
  /** `w:` word n-grams and `c:` character n-grams; ids start at 1, 0 pads. */
  features: string[];
  /** Inverse document frequency of each feature (same order). */
  idf: number[];
  /** Words with a pretrained vector row in the network (ids start at 2: 0 pads, 1 unused). */
  words: string[];
  /** Each known word of a window weighs wordScale / (known words in the window) in the mean vector. */
  wordScale: number;
}

export const LINEAR_DEFAULTS = { window: 128, slots: 2048 } as const;

export function isLinearVocabulary(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { kind?: unknown }).kind === 'linear';
}

/** Checked by hand as parseVocabulary does (@dlkit/nlp has no zod); bounds keep a hostile file from sizing huge rows. */
export function parseLinearVocabulary(raw: unknown, source: string): LinearVocabulary {
  const v = raw as Partial<LinearVocabulary>;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === 'string');
  const bounded = (n: unknown, max: number) => Number.isInteger(n) && (n as number) > 0 && (n as number) <= max;
  const valid =
    strings(v.features) &&
    strings(v.words) &&
    Array.isArray(v.idf) &&
    v.idf.length === v.features!.length &&
    v.idf.every((x) => Number.isFinite(x)) &&
    bounded(v.window, 4096) &&
    bounded(v.slots, 65536) &&
    Number.isFinite(v.wordScale);
  if (!valid) throw new DlError('MODEL_INVALID', `${source} is not a linear text vocabulary (kind, window, slots, features, idf, words, wordScale)`);
  return v as LinearVocabulary;
}

/** Input width: n-gram ids, their values, word ids, their weights. */
export function linearFeatureLength(v: Pick<LinearVocabulary, 'window' | 'slots'>): number {
  return 2 * v.slots + 2 * v.window;
}

/** Long tokens (URLs, hashes) would flood the character n-grams without telling much. */
const MAX_CHAR_TOKEN = 24;

/** Term counts of one window: word uni/bigrams and character 2-5-grams of each space-padded word. */
export function termCounts(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (term: string) => counts.set(term, (counts.get(term) ?? 0) + 1);
  tokens.forEach((token, i) => {
    add(`w:${token}`);
    if (i + 1 < tokens.length) add(`w:${token} ${tokens[i + 1]}`);
    const padded = ` ${token.slice(0, MAX_CHAR_TOKEN)} `;
    for (let n = 2; n <= 5; n++) for (let s = 0; s + n <= padded.length; s++) add(`c:${padded.slice(s, s + n)}`);
  });
  return counts;
}

export interface LinearIndex {
  vocabulary: LinearVocabulary;
  featureIds: Map<string, number>;
  wordIds: Map<string, number>;
}

export function indexLinearVocabulary(vocabulary: LinearVocabulary): LinearIndex {
  return {
    vocabulary,
    featureIds: new Map(vocabulary.features.map((f, i) => [f, i + 1])),
    wordIds: new Map(vocabulary.words.map((w, i) => [w, i + 2])),
  };
}

/** One window's TF-IDF n-grams: ids (1-based) and values, the strongest `slots` when there are more. */
export function sparseWindow(index: LinearIndex, tokens: readonly string[]): { ids: Int32Array; values: Float32Array } {
  const entries: Array<[number, number, boolean]> = [];
  const norms = [0, 0];
  for (const [term, tf] of termCounts(tokens)) {
    const id = index.featureIds.get(term);
    if (id === undefined) continue;
    const value = (1 + Math.log(tf)) * index.vocabulary.idf[id - 1]!;
    const isWord = term.startsWith('w:');
    norms[isWord ? 0 : 1]! += value * value;
    entries.push([id, value, isWord]);
  }
  const scale = norms.map((n) => (n > 0 ? 1 / Math.sqrt(n) : 0));
  const scaled = entries.map(([id, value, isWord]) => [id, value * scale[isWord ? 0 : 1]!] as [number, number]);
  if (scaled.length > index.vocabulary.slots) scaled.sort((a, b) => b[1] - a[1]).length = index.vocabulary.slots;
  return { ids: Int32Array.from(scaled, (e) => e[0]), values: Float32Array.from(scaled, (e) => e[1]) };
}

/** One window as the network's input row (see linearFeatureLength). */
export function encodeLinearWindow(index: LinearIndex, tokens: readonly string[], out: Float32Array): void {
  const { slots, window, wordScale } = index.vocabulary;
  out.fill(0);
  const { ids, values } = sparseWindow(index, tokens);
  out.set(ids, 0);
  out.set(values, slots);
  const known = tokens.slice(0, window).map((t) => index.wordIds.get(t)).filter((id): id is number => id !== undefined);
  known.forEach((id, i) => {
    out[2 * slots + i] = id;
    out[2 * slots + window + i] = wordScale / known.length;
  });
}
