import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Callback } from './callback.js';

/**
 * Appends each epoch's figures to a JSONL or CSV file (by extension). A fresh run starts the file over; a
 * resumed run keeps appending.
 */
export function metricLog(path: string): Callback {
  const csv = path.toLowerCase().endsWith('.csv');
  let columns: string[] | undefined;
  return {
    name: 'metric-log',
    async onTrainBegin(ctx) {
      await mkdir(dirname(path), { recursive: true });
      if (ctx.globalStep === 0) await writeFile(path, '');
      else columns = ctx.history[0] ? Object.keys(ctx.history[0]) : undefined;
    },
    async onEpochEnd(_ctx, logs) {
      if (!csv) return appendFile(path, `${JSON.stringify(logs)}\n`);
      const header = columns === undefined;
      columns ??= Object.keys(logs);
      const row = columns.map((c) => String(logs[c] ?? '')).join(',');
      return appendFile(path, `${header ? `${columns.join(',')}\n` : ''}${row}\n`);
    },
  };
}
