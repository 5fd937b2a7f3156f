import { DlError, isTransformersFolder, loadHubPipeline, parseModelReference } from '@dlkit/core';
import { groupSentences } from '../text/sentences.js';

/** One label, in the shape of Hugging Face's text-classification pipeline. */
export interface TextLabel {
  label: string;
  score: number;
}

export interface TextClassifierOptions {
  /** Hub id (e.g. Xenova/distilbert-base-uncased-finetuned-sst-2-english) or a folder in transformers.js's layout. */
  model: string;
  /** Texts longer than this many characters are scored by windows of whole sentences (default 1500, ~400 tokens). */
  window?: number;
}

export interface TextClassifier {
  /** The best label, or every label with `allScores`, best first. */
  classify(text: string, options?: { allScores?: boolean }): Promise<TextLabel[]>;
  dispose(): Promise<void>;
}

/**
 * A text classifier on a transformers.js model. A text longer than the model's window is not truncated: it is
 * scored window by window and the label probabilities averaged, weighted by window length.
 */
export async function createTextClassifier(options: TextClassifierOptions): Promise<TextClassifier> {
  const reference = parseModelReference(options.model);
  if (reference.kind !== 'hub' && !isTransformersFolder(reference)) {
    throw new DlError('MODEL_NOT_FOUND', `${options.model} is not a hub id (org/name) or a transformers.js model folder`);
  }
  const pipeline = await loadHubPipeline('text-classification', reference);
  const limit = options.window ?? 1500;
  return {
    async classify(text, opts = {}) {
      if (text.trim() === '') throw new DlError('INPUT_UNSUPPORTED', 'Nothing to classify: the text is empty');
      const parts = text.length > limit ? groupSentences(text, limit) : [text];
      const totals = new Map<string, number>();
      let weight = 0;
      for (const part of parts) {
        const labels = (await pipeline(part, { top_k: null })) as TextLabel[];
        for (const { label, score } of labels) totals.set(label, (totals.get(label) ?? 0) + score * part.length);
        weight += part.length;
      }
      const ranked = [...totals].map(([label, sum]) => ({ label, score: sum / weight })).sort((a, b) => b.score - a.score);
      return opts.allScores ? ranked : ranked.slice(0, 1);
    },
    dispose: () => pipeline.dispose(),
  };
}
