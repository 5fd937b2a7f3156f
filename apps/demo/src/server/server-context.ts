import type { Pipelines } from './pipelines.js';
import type { InferenceQueue } from './queue.js';
import type { DigitsTrainer } from './train/digits-trainer.js';

/** What every route shares. */
export interface ServerContext {
  pipelines: Pipelines;
  queue: InferenceQueue;
  trainer: DigitsTrainer;
}
