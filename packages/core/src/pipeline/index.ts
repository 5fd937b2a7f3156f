// The light entry `@dlkit/core/pipeline`: the task contract without the runtimes, so a CLI can read every
// domain's `TASKS` table (for its commands and help) before loading any model code.
export { createPipeline, oneAtATime, type Pipeline, type PipelineOf } from './pipeline.js';
export { defineTask, findTask, pipelineFactory, type PipelineFactory } from './registry.js';
export { parseOptions } from './options.js';
export { HUB_LOAD_OPTIONS, INPUT_SOURCE_OPTIONS } from './shared-options.js';
export { DOMAINS, INPUT_KINDS, type AnyTaskDefinition, type Domain, type InputKind, type Settled, type TaskDefinition, type TaskExample, type TaskRunner } from './task.js';
// The weight variants a hub model's `dtype` load option takes (a list only: no loader comes with it).
export { HUB_DTYPES, type HubDtype } from '../models/hub-dtypes.js';
export { DlError, DL_ERROR_CODES, errorMessage, isDlError, isDlErrorCode, modelRuntimeError, type DlErrorCode, type DlErrorOptions, type DlHint } from '../errors.js';
