import { TASKS as NLP_TASKS } from '@dlkit/nlp/tasks';
import { TASKS as SPEECH_TASKS } from '@dlkit/speech/tasks';
import { TASKS as VISION_TASKS } from '@dlkit/vision/tasks';
import type { AnyTaskDefinition } from '@dlkit/core/pipeline';
import { BATCH_COMMAND } from '../commands/batch.js';
import { WORKER_COMMAND } from '../commands/worker.js';
import { FINE_TUNE_COMMANDS, MODEL_COMMANDS, TRAIN_COMMANDS } from './manual-commands.js';
import type { CommandSpec } from './spec.js';
import { taskCommand } from './task-command.js';

// The light `tasks` entries (zod and the contract only): reading them for commands and --help loads no runtime.
const tasks = (rows: readonly AnyTaskDefinition[]) => rows.map(taskCommand);

/** Every command of `dl`: a task's is generated from its domain's `TASKS` row, the others are written by hand. */
export const COMMANDS: readonly CommandSpec[] = [
  ...tasks(VISION_TASKS),
  FINE_TUNE_COMMANDS.vision,
  ...tasks(NLP_TASKS),
  FINE_TUNE_COMMANDS.nlp,
  ...tasks(SPEECH_TASKS),
  ...TRAIN_COMMANDS,
  BATCH_COMMAND,
  WORKER_COMMAND,
  ...MODEL_COMMANDS,
];
