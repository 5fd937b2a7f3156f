export { readTexts, type ReadTextsOptions, type TextItem } from './text/read-texts.js';
export { decodeText } from './text/decode.js';
export { groupSentences, splitSentences } from './text/sentences.js';
export { tokenize } from './text/tokenize.js';
export { summarizeExtractive, textRank, type ExtractiveOptions } from './summarize/extractive.js';
export { createSummarizer, DEFAULT_SUMMARIZER, type AbstractiveOptions, type Summarizer } from './summarize/abstractive.js';
export { createTextClassifier, type TextClassifier, type TextClassifierOptions, type TextLabel } from './classify/text-classifier.js';
