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

/**
 * A regressor's answer for one row: the predicted number, in the label column's units. An object rather than a
 * bare number so that a row's answer has the same shape in every output (JSONL, `each`, the CLI's --json).
 */
export interface RowValue {
  value: number;
}

// A model folder is read by path; there is no file input to guard, no thread count to set.
export const tabularLoadOptions = z.strictObject({});

export const tabularCallOptions = z.strictObject({
  topK: z.number().int().min(1).max(1000).optional().describe('how many labels to return per row, best first (default 1)'),
});

export type TabularCallOptions = z.infer<typeof tabularCallOptions>;

/** What the help says of a tabular task's models: every one is the caller's own. */
const OWN_MODEL = 'none ships: a model folder from dl tabular train, run by dl tabular predict --model DIR';

export const TASKS = [
  defineTask({
    task: 'tabular-classification',
    aliases: ['classify'],
    domain: 'tabular',
    summary: 'Label a row of a table (is this tumour malignant? is this payment fraud?) with a model trained on your table',
    // No model ships: every tabular model is the caller's own, trained on their data.
    defaultModel: '',
    offline: true,
    modelNote: OWN_MODEL,
    examples: [
      { command: 'dl tabular train breast-cancer --out tumours', comment: 'is a tumour malignant? trained on a registered set' },
      { command: 'dl tabular predict breast-cancer:test --model tumours --out tumours-test.csv', comment: 'the held-out rows, each with its label and score' },
    ],
    input: 'table',
    output: '[{label, score}]',
    loadOptions: tabularLoadOptions,
    callOptions: tabularCallOptions,
    async load(model): Promise<TaskRunner<TableRow, RowLabel[], TabularCallOptions>> {
      const { loadTabularRunner } = await import('./classify/runner.js');
      return loadTabularRunner(model);
    },
  }),
  defineTask({
    task: 'tabular-regression',
    aliases: ['regress'],
    domain: 'tabular',
    summary: 'Predict a number for a row of a table (a patient\'s disease progression, a price) with a model trained on your table',
    defaultModel: '',
    offline: true,
    modelNote: OWN_MODEL,
    examples: [
      { command: 'dl tabular train diabetes --out progression', comment: 'disease progression one year on (a regression)' },
      { command: 'dl tabular predict diabetes:test --model progression --format jsonl', comment: 'each held-out row with its predicted value' },
    ],
    input: 'table',
    // One {value} per row, as a classifier gives one [{label, score}] list per row.
    output: '{value}',
    loadOptions: tabularLoadOptions,
    callOptions: z.strictObject({}),
    async load(model): Promise<TaskRunner<TableRow, RowValue, Record<string, never>>> {
      const { loadTableRunner } = await import('./table-runner.js');
      return loadTableRunner<RowValue>(model, 'tabular-regression');
    },
  }),
];
