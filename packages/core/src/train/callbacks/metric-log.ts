import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Callback, EpochLogs } from './callback.js';

/** A CSV cell; a NaN that went through a checkpoint's JSON comes back as null and is written as it was. */
const cell = (value: number | null | undefined): string => (value === undefined ? '' : value === null ? 'NaN' : String(value));

/**
 * Appends each epoch's figures to a JSONL or CSV file (by extension). A fresh run starts the file over; a
 * resumed run first writes it again from the history its checkpoint holds, then appends: the file has each epoch
 * once, even when the run was killed between logging an epoch and checkpointing it (or the other way round).
 */
export function metricLog(path: string): Callback {
  const csv = path.toLowerCase().endsWith('.csv');
  let columns: string[] | undefined;
  /** The lines of some epochs; the CSV header first when `columns` is set here. */
  const lines = (epochs: readonly EpochLogs[]): string => {
    if (!csv) return epochs.map((logs) => `${JSON.stringify(logs)}\n`).join('');
    const header = columns === undefined && epochs.length > 0;
    columns ??= epochs.length > 0 ? Object.keys(epochs[0]!) : undefined;
    const rows = epochs.map((logs) => `${columns!.map((c) => cell(logs[c])).join(',')}\n`);
    return `${header ? `${columns!.join(',')}\n` : ''}${rows.join('')}`;
  };
  return {
    name: 'metric-log',
    async onTrainBegin(ctx) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, lines(ctx.history));
    },
    async onEpochEnd(_ctx, logs) {
      await appendFile(path, lines([logs]));
    },
  };
}
