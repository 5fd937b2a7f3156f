// The tabular tasks as one table: the pipeline factory (and, once wired, the CLI, `dl batch` and the demo) read
// it. Kept light (zod and the contract only): load() imports the implementation, so reading the table loads no
// model runtime.
import { z } from 'zod';
import { defineTask, type TaskRunner } from '@dlkit/core/pipeline';

/** One row of a table: feature column -> value (numbers, or strings that are numbers, as in a CSV). Other keys are ignored. */
export type TableRow = Readonly<Record<string, number | string>>;

/** One class and its probability, best first: the shape of the other classification tasks. */
export interface RowLabel {
  label: string;
  score: number;
}

// A model folder is read by path; there is no file input to guard, no thread count to set.
export const tabularLoadOptions = z.strictObject({});

export const tabularCallOptions = z.strictObject({
  topK: z.number().int().min(1).max(1000).optional().describe('how many labels to return per row, best first (default 1)'),
});

export type TabularCallOptions = z.infer<typeof tabularCallOptions>;

export const TASKS = [
  defineTask({
    task: 'tabular-classification',
    aliases: ['classify'],
    domain: 'tabular',
    summary: 'Label a row of numbers with a model trained on your table (a CSV or JSONL training config)',
    // No model ships: every tabular model is the caller's own, trained on their data.
    defaultModel: '',
    offline: true,
    input: 'table',
    output: '[{label, score}]',
    loadOptions: tabularLoadOptions,
    callOptions: tabularCallOptions,
    async load(model): Promise<TaskRunner<TableRow, RowLabel[], TabularCallOptions>> {
      const { loadTabularRunner } = await import('./classify/runner.js');
      return loadTabularRunner(model);
    },
  }),
];
