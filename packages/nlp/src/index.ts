export { readTexts, type ReadTextsOptions, type TextItem } from './text/read-texts.js';
export { decodeText } from './text/decode.js';
export { splitSentences } from './text/sentences.js';
export { tokenize } from './text/tokenize.js';
export { summarizeExtractive, textRank, type ExtractiveOptions } from './summarize/extractive.js';
export { chunkOnSentences, createSummarizer, DEFAULT_SUMMARIZER, type AbstractiveOptions, type Summarizer } from './summarize/abstractive.js';
