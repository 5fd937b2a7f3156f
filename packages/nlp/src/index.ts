export { readTexts, type ReadTextsOptions, type TextItem } from './text/read-texts.js';
export { decodeText } from './text/decode.js';
export { splitSentences } from './text/sentences.js';
export { tokenize } from './text/tokenize.js';
