import './embedded.js';
import { pipelineFactory } from '@dlkit/core/pipeline';
import { registerNlpDatasets } from './sentiment/polarity-dataset.js';
import { TASKS } from './tasks.js';

// Importing nlp makes the registry's text sets (rt-polarity) loadable, as vision does for its images.
registerNlpDatasets();

/** `pipeline(task, model?, options?)`, transformers.js's shape, on the tasks of `TASKS`. */
export const pipeline = pipelineFactory(TASKS);
export { TASKS, TEXTRANK_MODEL, type Summary } from './tasks.js';

export { readTexts, type ReadTextsOptions, type TextItem } from './text/read-texts.js';
export { decodeText } from './text/decode.js';
export { groupSentences, splitSentences } from './text/sentences.js';
export { tokenize } from './text/tokenize.js';
export { summarizeExtractive, textRank, type ExtractiveOptions } from './summarize/extractive.js';
export type { TextLabel } from './text-model/classifier.js';
export { polarityDataset } from './sentiment/polarity-dataset.js';
export { loadPolarityData, SENTIMENT_RECIPE, SENTIMENT_VECTORS, trainSentiment, type TrainSentimentOptions } from './sentiment/train-sentiment.js';
export { fineTuneTextClassifier, type FineTuneTextOptions, type FineTuneTextResult } from './fine-tune/fine-tune.js';
export { CNN_MIN_ROWS, type FineTuneModelKind, type FineTuneSummary } from './fine-tune/fine-tune.js';
export type { LinearConfig, LinearSelection } from './fine-tune/linear-text.js';
export { readLabelledTexts, type LabelledTexts } from './fine-tune/labelled-texts.js';
export { readWordVectors, type WordVectors } from './text-model/word-vectors.js';
export { trainTextClassifier, type TrainTextOptions, type TrainTextResult } from './text-model/train.js';
