import { pipelineFactory } from '@dlkit/core/pipeline';
import { TASKS } from './tasks.js';

export { TASKS, type RowLabel, type RowValue, type TableRow, type TabularCallOptions } from './tasks.js';
export { clipped, readTableFile, tableFormatOf, MAX_TABLE_BYTES, MAX_TABLE_COLUMNS, type RawTable, type TableFormat } from './table.js';
export { MAX_CATEGORIES, TABLE_INPUT_KIND, tableInputSchema, type ColumnEncoding, type TableInput } from './preprocess.js';
export {
  DEFAULT_CANDIDATES,
  inferTask,
  trainTabular,
  type CandidateResult,
  type MlpCandidate,
  type TabularTask,
  type TrainTabularOptions,
  type TrainTabularResult,
} from './train.js';
export { createTabularPredictor, type PredictionNotes, type TabularModelTask, type TabularPredictor } from './predictor.js';

/**
 * `pipeline('tabular-classification', modelFolder)` and `pipeline('tabular-regression', modelFolder)`: a model
 * trained by `trainTabular` (`dl tabular train`), or a classifier trained by `trainFromConfig` on a CSV or JSONL table.
 */
export const pipeline = pipelineFactory(TASKS);
