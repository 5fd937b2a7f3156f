import type { z } from 'zod';
import { DlError, modelRuntimeError } from '../errors.js';
import { parseOptions } from './options.js';
import type { Settled, TaskDefinition, TaskRunner } from './task.js';

/**
 * A loaded task, called like transformers.js's pipelines: on one input it answers that input's result, on an
 * array an array in the same order (the first failure thrown); `each` settles every input on its own.
 */
export interface Pipeline<In, Out, CallOptions> {
  (input: In, options?: CallOptions): Promise<Out>;
  (inputs: readonly In[], options?: CallOptions): Promise<Out[]>;
  /** Each input's result or its error: a bad input fails alone, the others are still answered. */
  each(inputs: readonly In[], options?: CallOptions): Promise<Array<Settled<Out>>>;
  readonly task: string;
  readonly model: string;
  readonly device: string;
  /** Frees the model; a second call does nothing, and a call after it is `DISPOSED`. */
  dispose(): Promise<void>;
}

/** The pipeline type of a `TASKS` row. */
export type PipelineOf<T> = T extends TaskDefinition<infer In, infer Out, z.ZodObject, infer Call> ? Pipeline<In, Out, z.input<Call>> : never;

/** Wraps a task's runner in the `Pipeline` contract: options checked, use after dispose refused, errors typed. */
export function createPipeline<In, Out, Call extends z.ZodObject>(
  definition: Pick<TaskDefinition<In, Out, z.ZodObject, Call>, 'task' | 'callOptions'>,
  runner: TaskRunner<In, Out, z.infer<Call>>,
): Pipeline<In, Out, z.input<Call>> {
  let state: 'open' | 'disposing' | 'disposed' = 'open';
  let disposing: Promise<void> | undefined;
  const what = `${definition.task} (${runner.model})`;

  const each = async (inputs: readonly In[], options?: z.input<Call>): Promise<Array<Settled<Out>>> => {
    if (state !== 'open') throw new DlError('DISPOSED', `${what} was disposed; create a new pipeline`);
    if (!Array.isArray(inputs)) throw new DlError('INVALID_ARGUMENT', `${what}: each() takes an array of inputs`, { parameter: 'inputs' });
    const checked = parseOptions(definition.callOptions, options, definition.task);
    try {
      return await runner.run(inputs, checked);
    } catch (error) {
      throw modelRuntimeError(error, runner.model);
    }
  };

  const call = async (input: In | readonly In[], options?: z.input<Call>) => {
    const many = Array.isArray(input);
    const results = await each(many ? (input as readonly In[]) : [input as In], options);
    const values = results.map((result) => {
      if (!result.ok) throw result.error;
      return result.value;
    });
    return many ? values : values[0];
  };

  return Object.assign(call as Pipeline<In, Out, z.input<Call>>, {
    each,
    task: definition.task,
    model: runner.model,
    device: runner.device,
    dispose(): Promise<void> {
      if (state === 'open') {
        state = 'disposing';
        disposing = runner.dispose().finally(() => {
          state = 'disposed';
        });
      }
      return disposing!;
    },
  });
}

/** A runner's `run` for models that take one input at a time: each input settled on its own. */
export function oneAtATime<In, Out, Call>(fn: (input: In, options: Call) => Promise<Out>, model: string): TaskRunner<In, Out, Call>['run'] {
  return async (inputs, options) => {
    const results: Array<Settled<Out>> = [];
    for (const input of inputs) {
      try {
        results.push({ ok: true, value: await fn(input, options) });
      } catch (error) {
        results.push({ ok: false, error: modelRuntimeError(error, model) });
      }
    }
    return results;
  };
}
