import { pipelineFactory } from '@dlkit/core/pipeline';
import { TASKS } from './tasks.js';

export { TASKS, type RowLabel, type TableRow, type TabularCallOptions } from './tasks.js';

/** `pipeline('tabular-classification', modelFolder)`: a model trained by `trainFromConfig` on a CSV or JSONL table. */
export const pipeline = pipelineFactory(TASKS);
