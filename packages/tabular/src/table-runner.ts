import type { TaskRunner } from '@dlkit/core';
import { createTabularPredictor, type TabularModelTask } from './predictor.js';
import type { RowLabel, RowValue, TableRow } from './tasks.js';

/** A pipeline's runner over a `trainTabular` model: one answer per row; unseen categories encode as none. */
export async function loadTableRunner<Out extends RowLabel[] | RowValue>(model: string, task: TabularModelTask): Promise<TaskRunner<TableRow, Out, { topK?: number }>> {
  const predictor = await createTabularPredictor(model, task);
  return {
    model: predictor.model,
    device: predictor.device,
    async run(rows, options) {
      return (await predictor.predict(rows, options)).results as Awaited<ReturnType<TaskRunner<TableRow, Out, unknown>['run']>>;
    },
    async dispose() {
      predictor.dispose();
    },
  };
}
