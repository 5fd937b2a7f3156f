import { DlError } from '@dlkit/core';
import { splitSentences } from '../text/sentences.js';
import { tokenize } from '../text/tokenize.js';

export interface ExtractiveOptions {
  /** How many sentences to keep (default 3). */
  sentences?: number;
  /** Or this fraction of them (0-1], at least one; overrides `sentences`. */
  ratio?: number;
}

/** Sentence vectors: TF-IDF of their word tokens (words of one letter and pure punctuation left out), L2-normalised. */
function tfidf(sentences: string[][]): Array<Map<string, number>> {
  const df = new Map<string, number>();
  for (const tokens of sentences) for (const t of new Set(tokens)) df.set(t, (df.get(t) ?? 0) + 1);
  return sentences.map((tokens) => {
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [t, n] of tf) {
      const w = n * Math.log(1 + sentences.length / df.get(t)!);
      vector.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of vector) vector.set(t, w / norm);
    return vector;
  });
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) dot += w * (large.get(t) ?? 0);
  return dot;
}

/** PageRank over the sentence-similarity graph (TextRank, Mihalcea & Tarau 2004): a score per sentence. */
export function textRank(sentences: string[][], damping = 0.85, iterations = 50): number[] {
  const n = sentences.length;
  const vectors = tfidf(sentences);
  const weights = vectors.map((a, i) => vectors.map((b, j) => (i === j ? 0 : cosine(a, b))));
  const outSum = weights.map((row) => row.reduce((x, y) => x + y, 0));
  let scores = new Array<number>(n).fill(1 / n);
  for (let it = 0; it < iterations; it++) {
    scores = scores.map((_, i) => {
      let s = 0;
      for (let j = 0; j < n; j++) if (outSum[j]! > 0) s += (weights[j]![i]! / outSum[j]!) * scores[j]!;
      return (1 - damping) / n + damping * s;
    });
  }
  return scores;
}

/**
 * Sentences past which the similarity graph is not built: it needs n² cosines and n² numbers of memory (560,000
 * short sentences, a 10 MB file, ran for minutes and took 4 GB).
 */
export const GRAPH_LIMIT = 1500;

/**
 * Each sentence's similarity to the whole document (the sum of all sentence vectors): linear in the number of
 * sentences. On long documents it ranks as TextRank's stationary scores do to first order (the most central
 * sentences), without the graph.
 */
function centroidScores(sentences: string[][]): number[] {
  const vectors = tfidf(sentences);
  const centroid = new Map<string, number>();
  for (const v of vectors) for (const [t, w] of v) centroid.set(t, (centroid.get(t) ?? 0) + w);
  return vectors.map((v) => cosine(v, centroid));
}

/**
 * An extractive summary, offline and model-free: the sentences that TextRank ranks highest (centroid similarity
 * past GRAPH_LIMIT sentences), in their original order, in the shape of Hugging Face's summarization pipeline.
 */
export function summarizeExtractive(text: string, options: ExtractiveOptions = {}): [{ summary_text: string }] {
  if (typeof text !== 'string') throw new DlError('INVALID_ARGUMENT', `A text to summarize must be a string, not ${text === null ? 'null' : typeof text}`, { parameter: 'inputs' });
  const sentences = splitSentences(text);
  if (sentences.length === 0) throw new DlError('INPUT_UNSUPPORTED', 'Nothing to summarize: the text is empty');
  const { ratio } = options;
  if (ratio !== undefined && !(ratio > 0 && ratio <= 1)) throw new DlError('INVALID_ARGUMENT', `ratio must be in (0, 1], got ${ratio}`, { parameter: 'ratio' });
  const wanted = ratio !== undefined ? Math.max(1, Math.round(sentences.length * ratio)) : (options.sentences ?? 3);
  if (!Number.isInteger(wanted) || wanted < 1) throw new DlError('INVALID_ARGUMENT', `sentences must be a positive integer, got ${wanted}`, { parameter: 'sentences' });
  const tokens = sentences.map((s) => tokenize(s).filter((t) => /\p{L}{2,}|\p{N}/u.test(t)));
  const scores = tokens.length > GRAPH_LIMIT ? centroidScores(tokens) : textRank(tokens);
  const keep = scores
    .map((score, i) => ({ score, i }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, wanted)
    .map((s) => s.i)
    .sort((a, b) => a - b);
  return [{ summary_text: keep.map((i) => sentences[i]).join(' ') }];
}
