import { DlError, isDlError, loadHubPipeline, parseModelReference, type HubPipeline } from '@dlkit/core';
import { groupSentences } from '../text/sentences.js';

export const DEFAULT_SUMMARIZER = 'Xenova/distilbart-cnn-6-6';

export interface AbstractiveOptions {
  /** Hub id of a seq2seq summarizer (BART, T5) or a folder in transformers.js's layout. */
  model?: string;
  maxLength?: number;
  minLength?: number;
  /** Beam width; 1 is greedy (default 1). */
  beams?: number;
}

export interface Summarizer {
  summarize(text: string): Promise<[{ summary_text: string }]>;
  dispose(): Promise<void>;
}

/** About 700 tokens of English: chunks stay inside BART's 1024-token input with room for special tokens. */
const CHUNK_CHARACTERS = 3000;

/**
 * Abstractive summaries through a transformers.js summarization model. Long documents are cut on sentence
 * boundaries, each part summarised, and the joined partial summaries summarised again until one part remains.
 */
export async function createSummarizer(options: AbstractiveOptions = {}): Promise<Summarizer> {
  const id = options.model ?? DEFAULT_SUMMARIZER;
  const reference = parseModelReference(id);
  if (reference.kind === 'embedded') throw new DlError('MODEL_NOT_FOUND', `No embedded summarizer '${id}': give a hub id (org/name) or use --method extractive`);
  let pipeline: HubPipeline;
  try {
    pipeline = await loadHubPipeline('summarization', reference);
  } catch (error) {
    if (isDlError(error, 'MODEL_OFFLINE')) throw new DlError('MODEL_OFFLINE', `${error.message}; or summarize offline with --method extractive`, { cause: error });
    throw error;
  }
  const generate = async (text: string) => {
    const [out] = (await pipeline(text, {
      max_length: options.maxLength ?? 142,
      min_length: options.minLength ?? 30,
      num_beams: options.beams ?? 1,
      do_sample: false,
    })) as Array<{ summary_text: string }>;
    return out?.summary_text.trim() ?? '';
  };
  return {
    async summarize(text) {
      if (text.trim() === '') throw new DlError('INPUT_UNSUPPORTED', 'Nothing to summarize: the text is empty');
      let parts = groupSentences(text, CHUNK_CHARACTERS);
      for (let level = 0; parts.length > 1 && level < 4; level++) {
        const summaries: string[] = [];
        for (const part of parts) summaries.push(await generate(part));
        parts = groupSentences(summaries.join(' '), CHUNK_CHARACTERS);
      }
      return [{ summary_text: await generate(parts[0] ?? text) }];
    },
    dispose: () => pipeline.dispose(),
  };
}
