// The entry of each pool thread: it keeps the models it has loaded for the next inputs.
import { errorInfo } from '../output.js';
import { openTask, type BatchTask, type TaskOptions, type TaskResult, type TaskRunner } from './tasks.js';

export interface ThreadTask {
  task: BatchTask;
  options: TaskOptions;
  inputs: string[];
}

/** Runners by task and options. Two at most: a worker serving several batches swaps models, never hoards them. */
const runners = new Map<string, Promise<TaskRunner>>();
const KEEP = 2;

function runnerFor(task: BatchTask, options: TaskOptions): Promise<TaskRunner> {
  const key = JSON.stringify([task, options]);
  let runner = runners.get(key);
  if (runner === undefined) {
    runner = openTask(task, options);
    // A model that fails to load is tried again by the next call rather than failing every input after it.
    runner.catch(() => runners.delete(key));
    runners.set(key, runner);
    while (runners.size > KEEP) {
      const [oldest, old] = runners.entries().next().value!;
      runners.delete(oldest);
      void old.then((r) => r.dispose()).catch(() => {});
    }
  } else {
    // Most recently used last.
    runners.delete(key);
    runners.set(key, runner);
  }
  return runner;
}

/**
 * The results, or why the models did not load: as data, because an error thrown across threads loses its
 * DlError code.
 */
export type ThreadReply = { results: TaskResult[] } | { loadError: { code: string; message: string } };

export default async function run({ task, options, inputs }: ThreadTask): Promise<ThreadReply> {
  let runner: TaskRunner;
  try {
    runner = await runnerFor(task, options);
  } catch (error) {
    return { loadError: errorInfo(error) };
  }
  return { results: await runner.runEach(inputs) };
}
