import type { z } from 'zod';
import { DlError } from '../errors.js';
import { nearestName } from '../names/nearest-name.js';
import { parseOptions } from './options.js';
import { createPipeline, type Pipeline, type PipelineOf } from './pipeline.js';
import type { AnyTaskDefinition, TaskDefinition } from './task.js';

/** A `TASKS` row, its literal task name kept for the typed `pipeline()` overloads. */
export function defineTask<In, Out, Load extends z.ZodObject, Call extends z.ZodObject, const Name extends string>(
  definition: TaskDefinition<In, Out, Load, Call> & { task: Name },
): TaskDefinition<In, Out, Load, Call> & { task: Name } {
  return definition;
}

/** A domain's `pipeline()`: typed by task name, and by any string (an alias) as a generic pipeline. */
export interface PipelineFactory<T extends AnyTaskDefinition> {
  <K extends T['task']>(task: K, model?: string, options?: z.input<Extract<T, { task: K }>['loadOptions']>): Promise<PipelineOf<Extract<T, { task: K }>>>;
  (task: string, model?: string, options?: Record<string, unknown>): Promise<Pipeline<unknown, unknown, Record<string, unknown>>>;
}

/** The row of `tasks` called `name` (its task name or an alias); otherwise `INVALID_ARGUMENT` naming the nearest. */
export function findTask<T extends AnyTaskDefinition>(tasks: readonly T[], name: string): T {
  const found = tasks.find((t) => t.task === name || t.aliases.includes(name));
  if (found) return found;
  const names = tasks.flatMap((t) => [t.task, ...t.aliases]);
  const nearest = nearestName(name, names, 3);
  throw new DlError('INVALID_ARGUMENT', `Unknown task '${name}'; tasks: ${tasks.map((t) => t.task).join(', ')}`, {
    parameter: 'task',
    ...(nearest === undefined ? {} : { hint: { kind: 'did-you-mean', value: nearest } }),
  });
}

/**
 * A domain's `pipeline(task, model?, options?)`, transformers.js's shape: `options` holds the load options of the
 * task (checked against its schema) and the model is its default when not named.
 */
export function pipelineFactory<T extends AnyTaskDefinition>(tasks: readonly T[]): PipelineFactory<T> {
  return (async (task: string, model?: string, options?: Record<string, unknown>): Promise<Pipeline<any, any, any>> => {
    const definition = findTask(tasks, task);
    if (model !== undefined && (typeof model !== 'string' || model === '')) {
      throw new DlError('INVALID_ARGUMENT', `${definition.task}: model must be a model name, folder or hub id`, { parameter: 'model' });
    }
    const loadOptions = parseOptions(definition.loadOptions, options, definition.task) as z.infer<T['loadOptions']>;
    const runner = await definition.load(model ?? definition.defaultModel, loadOptions);
    return createPipeline(definition, runner);
  }) as PipelineFactory<T>;
}
