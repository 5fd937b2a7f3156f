import type { Callback, EpochLogs } from './callback.js';

export interface ProgressBarOptions {
  /** Default process.stderr. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /**
   * `bar`: a live bar redrawn in place (TTY); `lines`: one line per epoch (logs, CI); `off`. Default: bar on a
   * TTY, lines otherwise.
   */
  mode?: 'bar' | 'lines' | 'off';
}

/** Seconds as `mm:ss` or `h:mm:ss` (`--:--` when not known yet), for ETAs. */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function formatEpochLogs(logs: EpochLogs, epochs: number): string {
  const figures = Object.entries(logs)
    .filter(([k, v]) => k !== 'epoch' && typeof v === 'number')
    .map(([k, v]) => `${k === 'learningRate' ? 'lr' : k} ${k === 'learningRate' ? v!.toExponential(2) : v!.toFixed(4)}`);
  return `epoch ${logs.epoch + 1}/${epochs}  ${figures.join('  ')}`;
}

/** Keras-style progress on stderr: epoch, step, running loss and accuracy, rate and ETA. */
export function progressBar(options: ProgressBarOptions = {}): Callback {
  const stream = options.stream ?? process.stderr;
  const mode = options.mode ?? (stream.isTTY ? 'bar' : 'lines');
  let epochStarted = 0;
  let stepsDone = 0;
  let lastDraw = 0;
  let firstStep = 0;
  return {
    name: 'progress-bar',
    onEpochBegin(ctx) {
      epochStarted = performance.now();
      stepsDone = 0;
      firstStep = ctx.step;
    },
    onBatchEnd(ctx, logs) {
      if (mode !== 'bar') return;
      stepsDone++;
      const now = performance.now();
      if (now - lastDraw < 100 && ctx.step < ctx.stepsPerEpoch) return;
      lastDraw = now;
      const perStep = (now - epochStarted) / 1000 / stepsDone;
      const left = (ctx.stepsPerEpoch - ctx.step) * perStep;
      const head = `epoch ${ctx.epoch + 1}/${ctx.epochs} `;
      const figures = ` ${ctx.step}/${ctx.stepsPerEpoch} loss ${logs.loss.toFixed(4)} acc ${logs.accuracy.toFixed(4)}`;
      const rate = ` ${(1 / perStep).toFixed(1)} step/s`;
      const eta = ` ETA ${formatClock(left)}`;
      const columns = stream.columns || 80; // 0 when the terminal does not say
      // The bar takes what the figures leave of the terminal's width (the rate goes first when it is narrow),
      // so nothing wraps or is cut.
      const room = columns - 1 - head.length - 2 - 10;
      const tail = figures.length + rate.length + eta.length <= room ? `${figures}${rate}${eta}` : `${figures}${eta}`;
      const width = Math.max(10, Math.min(30, columns - 1 - head.length - tail.length - 2));
      const filled = Math.round((width * ctx.step) / ctx.stepsPerEpoch);
      const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}`;
      const line = `${head}[${bar}]${tail}`;
      stream.write(`\r${line}\x1b[K`);
    },
    onEpochEnd(ctx, logs) {
      if (mode === 'off') return;
      const seconds = (performance.now() - epochStarted) / 1000;
      const resumed = firstStep > 0 ? ` (resumed at step ${firstStep})` : '';
      stream.write(`${mode === 'bar' ? '\r\x1b[K' : ''}${formatEpochLogs(logs, ctx.epochs)}  ${seconds.toFixed(1)}s${resumed}\n`);
    },
    onTrainEnd() {
      if (mode === 'bar') stream.write('\r\x1b[K');
    },
  };
}
