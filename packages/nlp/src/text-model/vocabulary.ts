import { DlError } from '@dlkit/core';
import { splitSentences } from '../text/sentences.js';
import { tokenize } from '../text/tokenize.js';

/**
 * What turns a text into the network's input, saved with the model (`vocabulary.json`): the words of the
 * convolutional branch and the n-grams of the bag-of-n-grams branch.
 */
export interface TextVocabulary {
  /** Word ids start at 2: 0 pads a short window, 1 stands for a word not in the list. */
  words: string[];
  /** Uni-, bi- and tri-grams (space-joined); ids start at 1, 0 pads. */
  ngrams: string[];
  /** Tokens per window; longer texts are scored by windows of whole sentences. */
  window: number;
  /** N-gram slots per window: every n-gram of a full window fits. */
  maxNgrams: number;
}

export const PAD = 0;
export const UNKNOWN = 1;
export const DEFAULT_WINDOW = 64;

export function featureLength(vocabulary: Pick<TextVocabulary, 'window' | 'maxNgrams'>): number {
  return vocabulary.window + vocabulary.maxNgrams;
}

/** The distinct uni-, bi- and tri-grams of a token list, in order of first appearance. */
export function ngramsOf(tokens: readonly string[]): string[] {
  const out = new Set<string>(tokens);
  for (let i = 0; i + 1 < tokens.length; i++) out.add(`${tokens[i]} ${tokens[i + 1]}`);
  for (let i = 0; i + 2 < tokens.length; i++) out.add(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`);
  return [...out];
}

export interface VocabularyOptions {
  window?: number;
  /** Words kept when seen this often in training (default 2) ... */
  minWordCount?: number;
  /** ... or when they have a pretrained vector (then once is enough). */
  known?: (word: string) => boolean;
  /** N-grams kept when they occur in this many training texts (default 2). */
  minNgramCount?: number;
  /**
   * Words known without being seen in training (the most frequent words of the pretrained vectors), so that
   * text from another domain keeps the meaning of its words instead of becoming unknown words.
   */
  extraWords?: readonly string[];
}

/** A vocabulary from tokenized training texts, in order of first appearance (so the same data gives the same ids). */
export function buildVocabulary(texts: ReadonlyArray<readonly string[]>, options: VocabularyOptions = {}): TextVocabulary {
  const window = options.window ?? DEFAULT_WINDOW;
  const wordCounts = new Map<string, number>();
  const ngramCounts = new Map<string, number>();
  for (const tokens of texts) {
    for (const token of tokens) wordCounts.set(token, (wordCounts.get(token) ?? 0) + 1);
    for (const ngram of ngramsOf(tokens.slice(0, window))) ngramCounts.set(ngram, (ngramCounts.get(ngram) ?? 0) + 1);
  }
  const minWord = options.minWordCount ?? 2;
  const minNgram = options.minNgramCount ?? 2;
  const words = [...wordCounts].filter(([w, n]) => n >= minWord || options.known?.(w)).map(([w]) => w);
  const seen = new Set(words);
  return {
    words: [...words, ...(options.extraWords ?? []).filter((w) => !seen.has(w))],
    ngrams: [...ngramCounts].filter(([, n]) => n >= minNgram).map(([g]) => g),
    window,
    maxNgrams: 3 * window - 3,
  };
}

/** Lookup tables for encoding, built once per loaded vocabulary. */
export interface VocabularyIndex {
  vocabulary: TextVocabulary;
  wordIds: Map<string, number>;
  ngramIds: Map<string, number>;
}

export function indexVocabulary(vocabulary: TextVocabulary): VocabularyIndex {
  return {
    vocabulary,
    wordIds: new Map(vocabulary.words.map((w, i) => [w, i + 2])),
    ngramIds: new Map(vocabulary.ngrams.map((g, i) => [g, i + 1])),
  };
}

/** One window of at most `window` tokens as the network's input: word ids, then the ids of its known n-grams. */
export function encodeWindow(index: VocabularyIndex, tokens: readonly string[], out?: Float32Array): Float32Array {
  const { window, maxNgrams } = index.vocabulary;
  const features = out ?? new Float32Array(window + maxNgrams);
  features.fill(PAD);
  const words = tokens.slice(0, window);
  words.forEach((token, i) => (features[i] = index.wordIds.get(token) ?? UNKNOWN));
  let slot = window;
  for (const ngram of ngramsOf(words)) {
    const id = index.ngramIds.get(ngram);
    if (id !== undefined) features[slot++] = id;
  }
  return features;
}

/**
 * The token windows a text is scored by: whole sentences grouped up to `window` tokens; a longer sentence is
 * cut into `window`-token pieces. A text that fits is one window.
 */
export function tokenWindows(text: string, window: number): string[][] {
  // A text that may fit one window is tokenized whole; a long one only sentence by sentence (tokenizing 10 MB
  // twice cost seconds).
  if (text.length <= window * 32) {
    const all = tokenize(text);
    if (all.length <= window) return all.length > 0 ? [all] : [];
  }
  const windows: string[][] = [];
  let current: string[] = [];
  for (const sentence of splitSentences(text)) {
    const tokens = tokenize(sentence);
    if (current.length + tokens.length <= window) {
      current.push(...tokens);
      continue;
    }
    if (current.length > 0) windows.push(current);
    current = [];
    for (let i = 0; i < tokens.length; i += window) {
      const piece = tokens.slice(i, i + window);
      if (piece.length === window) windows.push(piece);
      else current = piece;
    }
  }
  if (current.length > 0) windows.push(current);
  return windows;
}

export function parseVocabulary(raw: unknown, source: string): TextVocabulary {
  const v = raw as Partial<TextVocabulary> | null;
  const strings = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === 'string');
  const positive = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
  if (!v || !strings(v.words) || !strings(v.ngrams) || !positive(v.window) || !positive(v.maxNgrams)) {
    throw new DlError('MODEL_INVALID', `${source} is not a text vocabulary (words, ngrams, window, maxNgrams)`);
  }
  return v as TextVocabulary;
}
