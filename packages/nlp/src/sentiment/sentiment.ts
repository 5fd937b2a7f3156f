import { createTextClassifier, type TextClassifier, type TextClassifierOptions } from '../classify/text-classifier.js';

export const DEFAULT_SENTIMENT_MODEL = 'sentiment';

/**
 * A sentiment classifier: `[{label: 'POSITIVE' | 'NEGATIVE', score}]` as Hugging Face's sentiment-analysis
 * pipeline gives. The default is the embedded model (offline); any text-classification model works.
 */
export function createSentimentAnalyzer(options: Partial<TextClassifierOptions> = {}): Promise<TextClassifier> {
  return createTextClassifier({ ...options, model: options.model ?? DEFAULT_SENTIMENT_MODEL });
}
