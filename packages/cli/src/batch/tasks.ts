// Light on purpose (the tables and core's light entry only): the command table and --help read it, and so does
// each pool thread before it loads a pipeline.
import { DlError, findTask, type AnyTaskDefinition, type InputKind } from '@dlkit/core/pipeline';
import type { z } from 'zod';
import { TASKS as NLP_TASKS } from '@dlkit/nlp/tasks';
import { TASKS as SPEECH_TASKS } from '@dlkit/speech/tasks';
import { TASKS as VISION_TASKS } from '@dlkit/vision/tasks';

/**
 * The tasks `dl batch` and `dl worker` run: every row of the domains' `TASKS` tables whose input is a file (or URL)
 * of one of these kinds. Nothing here names a task: a row added to a table is a batch task too.
 */
const BATCH_INPUTS: readonly InputKind[] = ['image', 'text', 'audio'];

/** The domains whose tables are read; a row's pipeline comes from its domain's package (thread.ts). */
export type BatchDomain = 'vision' | 'nlp' | 'speech';

// The tables' order settles an alias two domains share: `classify` is vision's (image classification, as `dl batch
// classify` always was); text classification is reached by its task name, `text-classification`.
export const BATCH_TASKS: readonly AnyTaskDefinition[] = [...VISION_TASKS, ...NLP_TASKS, ...SPEECH_TASKS].filter((row) => BATCH_INPUTS.includes(row.input));

/**
 * Names `dl batch` took before its tasks came from the tables, and what they are now. `summarize-extractive` was
 * extractive summarization: the summarization task with its offline model.
 */
const OLD_NAMES: Readonly<Record<string, { task: string; model: string }>> = {
  'summarize-extractive': { task: 'summarization', model: 'textrank' },
};

/** A batch task as a name resolves: its row, and the model the name implies when it implies one. */
export interface ResolvedTask {
  readonly definition: AnyTaskDefinition;
  readonly model: string | undefined;
}

/**
 * The task called `name`: its task name or an alias (the first table's row wins a shared alias), or an old batch
 * name. Otherwise INVALID_ARGUMENT naming `task`, with the nearest name as a did-you-mean hint.
 */
export function resolveBatchTask(name: string): ResolvedTask {
  const old = Object.hasOwn(OLD_NAMES, name) ? OLD_NAMES[name] : undefined;
  if (old !== undefined) return { definition: findTask(BATCH_TASKS, old.task), model: old.model };
  return { definition: findTask(BATCH_TASKS, name), model: undefined };
}

/** The aliases that name `row` in `dl batch` (the first table's row takes a shared one). */
export const aliasesOf = (row: AnyTaskDefinition): string[] => row.aliases.filter((alias) => findTask(BATCH_TASKS, alias) === row);

/** `image-classification (classify), ...`: for usage lines and help; an alias another row wins is not shown. */
export const batchTaskNames = (): string =>
  BATCH_TASKS.map((row) => {
    const aliases = aliasesOf(row);
    return aliases.length > 0 ? `${row.task} (${aliases.join(', ')})` : row.task;
  }).join(', ');

/** The domain whose package runs `definition`. */
export function domainOf(definition: AnyTaskDefinition): BatchDomain {
  if (definition.domain === 'vision' || definition.domain === 'nlp' || definition.domain === 'speech') return definition.domain;
  throw new DlError('INVALID_ARGUMENT', `${definition.task}: dl batch does not run ${definition.domain} tasks`, { parameter: 'task' });
}

/**
 * The models a task loads without the worker naming them: its default, and the one an old name implies (the
 * queue's jobs name `summarization` with `model: 'textrank'`, which any worker ran as `summarize-extractive`).
 */
export function ownModels(definition: AnyTaskDefinition): readonly string[] {
  return [definition.defaultModel, ...Object.values(OLD_NAMES).filter((old) => old.task === definition.task).map((old) => old.model)];
}

/**
 * What the process running the task lets it do, from its own flags (dl batch: this user's command; dl worker: its
 * --allow-host list), never from a job. Passed to each pipeline whose load options take them.
 */
export interface TaskAccess {
  /** onnxruntime threads per operator in each pool thread (the threads share the cores). */
  threads?: number | undefined;
  allowUrls: boolean;
  allowPrivateHosts: boolean;
}

/** A task's options by their library names, flat (load and call options together) with `model`: as a job carries them. */
export type TaskOptions = Readonly<Record<string, unknown>> & { readonly model?: string };

/** One task as a pool thread opens it: the row's name, the model, its load and call options by the library's names. */
export interface TaskCall {
  task: string;
  model?: string | undefined;
  load: Record<string, unknown>;
  call: Record<string, unknown>;
  access: TaskAccess;
}

/**
 * Flat options (`{model, maxPixels, topK}`, as a job carries them and the flags give them) split into load and
 * call options by the row's schemas; a key both take (`maxSeconds`) goes to both. Keys neither takes are left for
 * the pipeline to refuse.
 */
export function taskCall(definition: AnyTaskDefinition, options: TaskOptions, access: TaskAccess): TaskCall {
  const { model, ...rest } = options;
  const load: Record<string, unknown> = {};
  const call: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    const isCall = key in definition.callOptions.shape;
    if (key in definition.loadOptions.shape || !isCall) load[key] = value;
    if (isCall) call[key] = value;
  }
  return { task: definition.task, ...(typeof model === 'string' ? { model } : {}), load, call, access };
}

/** The access settings as load options of `definition`: only those its schema takes (a strict schema refuses others). */
export function accessOptions(definition: AnyTaskDefinition, access: TaskAccess): Record<string, unknown> {
  const shape = definition.loadOptions.shape;
  const given: Record<string, unknown> = { threads: access.threads, allowUrls: access.allowUrls, allowPrivateHosts: access.allowPrivateHosts, allowStdin: false };
  return Object.fromEntries(Object.entries(given).filter(([key, value]) => value !== undefined && key in shape));
}

/** Inputs per call to a pool thread: a runner that batches (its load options take `batchSize`) gets that many. */
const BATCHED_CHUNK = 8;
export function chunkSize(definition: AnyTaskDefinition, load: Readonly<Record<string, unknown>>): number {
  if (!('batchSize' in definition.loadOptions.shape)) return 1;
  return typeof load.batchSize === 'number' ? load.batchSize : BATCHED_CHUNK;
}

/** A failed input as it is written to the results file: code, message, and what to do in the CLI's words (output.ts). */
export interface ResultError {
  code: string;
  message: string;
  hint?: string;
}

/** One input's outcome as it is written to the results file. */
export type TaskResult = { output: unknown } | { error: ResultError };

/** Wrappers that leave a schema's kind as it is. */
const WRAPPERS = new Set(['optional', 'readonly', 'default', 'nullable', 'prefault']);

/**
 * Options only a program can give (an AbortSignal, a progress callback: zod `custom` or function schemas): no flag
 * and no job field can carry one, so `dl batch` and `dl worker` leave them out.
 */
export function libraryOnly(schema: z.ZodType): boolean {
  let inner = schema as z.ZodType & { def: { type: string; innerType?: z.ZodType } };
  while (WRAPPERS.has(inner.def.type) && inner.def.innerType) inner = inner.def.innerType as typeof inner;
  return inner.def.type === 'custom' || inner.def.type === 'function';
}
