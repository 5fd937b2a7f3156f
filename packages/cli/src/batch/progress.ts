import { formatClock } from '@dlkit/core';

export interface BatchCounts {
  /** Inputs this run has to do (those already in the results file are not counted). */
  total: number;
  done: number;
  errors: number;
}

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** `[=====>    ] 120/400 30.0%  41.2/s  ETA 00:07  2 errors`: the rate counts this run's inputs only. */
export function formatProgress(counts: BatchCounts, seconds: number, columns = 80): string {
  const rate = seconds > 0 ? counts.done / seconds : 0;
  const eta = rate > 0 ? (counts.total - counts.done) / rate : Number.NaN;
  const percent = counts.total === 0 ? 100 : (100 * counts.done) / counts.total;
  const tail = ` ${counts.done}/${counts.total} ${percent.toFixed(1)}%  ${rate.toFixed(1)}/s  ETA ${formatClock(eta)}${counts.errors ? `  ${counts.errors} error${counts.errors === 1 ? '' : 's'}` : ''}`;
  const width = Math.max(10, Math.min(30, columns - 1 - tail.length - 2));
  const filled = counts.total === 0 ? width : Math.round((width * counts.done) / counts.total);
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}]${tail}`;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal (10 times a second at most), else a line every
 * `everyMs` for logs; `end()` leaves the final figures on their own line.
 */
export function batchProgress(counts: BatchCounts, options: { stream?: Stream; everyMs?: number } = {}) {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const every = tty ? 100 : (options.everyMs ?? 10_000);
  const started = performance.now();
  let last = started;
  const line = () => formatProgress(counts, (performance.now() - started) / 1000, stream.columns || 80);
  return {
    update() {
      const now = performance.now();
      if (now - last < every) return;
      last = now;
      stream.write(tty ? `\r${line()}\x1b[K` : `${line()}\n`);
    },
    end() {
      stream.write(tty ? `\r${line()}\x1b[K\n` : `${line()}\n`);
    },
    seconds: () => (performance.now() - started) / 1000,
  };
}
