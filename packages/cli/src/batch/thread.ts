// The entry of each pool thread: it keeps the pipelines it has loaded for the next inputs.
import { DEFAULT_MAX_FIELD_BYTES, DlError, readInput, type Pipeline } from '@dlkit/core';
import { errorInfo } from '../output.js';
import { accessOptions, domainOf, resolveBatchTask, type ResultError, type TaskAccess, type TaskCall, type TaskResult } from './tasks.js';

export interface ThreadTask extends TaskCall {
  inputs: string[];
}

type AnyPipeline = Pipeline<unknown, unknown, Record<string, unknown>>;
type Factory = (task: string, model?: string, options?: Record<string, unknown>) => Promise<AnyPipeline>;

/** Each domain's `pipeline()`, imported here, in the thread, so the main thread loads no runtime. */
const FACTORIES: Record<ReturnType<typeof domainOf>, () => Promise<Factory>> = {
  vision: async () => (await import('@dlkit/vision')).pipeline,
  nlp: async () => (await import('@dlkit/nlp')).pipeline,
  speech: async () => (await import('@dlkit/speech')).pipeline,
};

/**
 * Pipelines by task, model and load options (call options vary per call and load nothing). Two at most: a worker
 * serving several batches swaps models, never hoards them.
 */
const pipelines = new Map<string, Promise<AnyPipeline>>();
const KEEP = 2;

async function open({ task, model, load, access }: TaskCall): Promise<AnyPipeline> {
  const definition = resolveBatchTask(task).definition;
  const factory = await FACTORIES[domainOf(definition)]();
  return factory(definition.task, model, { ...load, ...accessOptions(definition, access) });
}

function pipelineFor(call: TaskCall): Promise<AnyPipeline> {
  const key = JSON.stringify([call.task, call.model, call.load, call.access]);
  let pipeline = pipelines.get(key);
  if (pipeline === undefined) {
    pipeline = open(call);
    // A model that fails to load is tried again by the next call rather than failing every input after it.
    pipeline.catch(() => pipelines.delete(key));
    pipelines.set(key, pipeline);
    while (pipelines.size > KEEP) {
      const [oldest, old] = pipelines.entries().next().value!;
      pipelines.delete(oldest);
      void old.then((p) => p.dispose()).catch(() => {});
    }
  } else {
    // Most recently used last.
    pipelines.delete(key);
    pipelines.set(key, pipeline);
  }
  return pipeline;
}

/**
 * A text input as `dl nlp` reads a document: the whole file (or URL, where allowed), UTF-8 or UTF-16 with BOM,
 * at most the text cap; an empty one is said, not classified.
 */
async function readDocument(input: string, access: TaskAccess): Promise<string> {
  const { decodeText } = await import('@dlkit/nlp');
  const bytes = await readInput(input, { maxBytes: DEFAULT_MAX_FIELD_BYTES, allowUrls: access.allowUrls, allowPrivateHosts: access.allowPrivateHosts });
  const text = decodeText(bytes, input);
  if (text.trim() === '') throw new DlError('INPUT_UNSUPPORTED', `${input}: no text in it (empty, or only blank lines)`);
  return text;
}

/** What the pipeline is given for each input: the path or URL itself, or for a text task the document's text. */
async function prepare(call: TaskCall, inputs: readonly string[]): Promise<Array<{ value: unknown } | { error: ResultError }>> {
  if (resolveBatchTask(call.task).definition.input !== 'text') return inputs.map((input) => ({ value: input }));
  return Promise.all(
    inputs.map((input) =>
      readDocument(input, call.access).then(
        (value) => ({ value }),
        (error: unknown) => ({ error: errorInfo(error) }),
      ),
    ),
  );
}

/** Each input's result in order; an error of the whole call (a bad option, the model failing) is every input's. */
async function runEach(pipeline: AnyPipeline, call: TaskCall, inputs: readonly string[]): Promise<TaskResult[]> {
  const prepared = await prepare(call, inputs);
  const ready = prepared.flatMap((item) => ('value' in item ? [item.value] : []));
  let settled: TaskResult[];
  try {
    settled = (await pipeline.each(ready, call.call)).map((r) => (r.ok ? { output: r.value } : { error: errorInfo(r.error) }));
  } catch (error) {
    settled = ready.map(() => ({ error: errorInfo(error) }));
  }
  let next = 0;
  return prepared.map((item) => ('error' in item ? item : settled[next++]!));
}

/**
 * The results, or why the pipeline did not open or refused the call's options (checked on no input, so a batch
 * fails once rather than on every input): as data, because an error thrown across threads loses its DlError code.
 */
export type ThreadReply = { results: TaskResult[] } | { loadError: ResultError & { parameter?: string } };

const loadError = (error: unknown): ThreadReply => {
  const parameter = (error as { parameter?: unknown } | undefined)?.parameter;
  return { loadError: { ...errorInfo(error), ...(typeof parameter === 'string' ? { parameter } : {}) } };
};

export default async function run({ inputs, ...call }: ThreadTask): Promise<ThreadReply> {
  let pipeline: AnyPipeline;
  try {
    pipeline = await pipelineFor(call);
    if (inputs.length === 0) await pipeline.each([], call.call);
  } catch (error) {
    return loadError(error);
  }
  return { results: await runEach(pipeline, call, inputs) };
}
