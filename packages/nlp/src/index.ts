import './embedded.js';

export { readTexts, type ReadTextsOptions, type TextItem } from './text/read-texts.js';
export { decodeText } from './text/decode.js';
export { groupSentences, splitSentences } from './text/sentences.js';
export { tokenize } from './text/tokenize.js';
export { summarizeExtractive, textRank, type ExtractiveOptions } from './summarize/extractive.js';
export { createSummarizer, DEFAULT_SUMMARIZER, type AbstractiveOptions, type Summarizer } from './summarize/abstractive.js';
export { createTextClassifier, type ClassifyOptions, type TextClassifier, type TextClassifierOptions, type TextLabel } from './classify/text-classifier.js';
export { createSentimentAnalyzer, DEFAULT_SENTIMENT_MODEL } from './sentiment/sentiment.js';
export { loadPolarityData, SENTIMENT_RECIPE, SENTIMENT_VECTORS, trainSentiment, type TrainSentimentOptions } from './sentiment/train-sentiment.js';
export { fineTuneTextClassifier, type FineTuneTextOptions, type FineTuneTextResult } from './fine-tune/fine-tune.js';
export { CNN_MIN_ROWS, type FineTuneModelKind, type FineTuneSummary } from './fine-tune/fine-tune.js';
export type { LinearConfig, LinearSelection } from './fine-tune/linear-text.js';
export { readLabelledTexts, type LabelledTexts } from './fine-tune/labelled-texts.js';
export { readWordVectors, type WordVectors } from './text-model/word-vectors.js';
export { trainTextClassifier, type TrainTextOptions, type TrainTextResult } from './text-model/train.js';
