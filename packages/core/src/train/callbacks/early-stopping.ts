import { DlError } from '../../errors.js';
import type { Callback, EpochLogs } from './callback.js';

export interface EarlyStoppingOptions {
  /** Default `val_loss`. */
  monitor?: string;
  /** `min` for losses, `max` for accuracies (default: from the name). */
  mode?: 'min' | 'max';
  /** Epochs without improvement before stopping (default 3). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** At the end, put back the weights of the best epoch (default true). */
  restoreBestWeights?: boolean;
}

interface State {
  best: number;
  bestEpoch: number;
  wait: number;
  bestWeights: Float32Array[] | null;
}

export function monitoredValue(logs: EpochLogs, monitor: string): number {
  const value = logs[monitor];
  if (typeof value !== 'number') {
    throw new DlError('INVALID_ARGUMENT', `Nothing called '${monitor}' in the epoch figures (${Object.keys(logs).join(', ')}): validation data missing?`);
  }
  return value;
}

export function isBetter(value: number, best: number, mode: 'min' | 'max', minDelta: number): boolean {
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}

export function modeFor(monitor: string): 'min' | 'max' {
  return /loss|error/.test(monitor) ? 'min' : 'max';
}

/** Stops when the monitored figure has not improved for `patience` epochs (Keras EarlyStopping). */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  const monitor = options.monitor ?? 'val_loss';
  const mode = options.mode ?? modeFor(monitor);
  const patience = options.patience ?? 3;
  const minDelta = options.minDelta ?? 0;
  const restore = options.restoreBestWeights ?? true;
  let state: State = { best: mode === 'min' ? Infinity : -Infinity, bestEpoch: -1, wait: 0, bestWeights: null };
  return {
    name: 'early-stopping',
    async onEpochEnd(ctx, logs) {
      const value = monitoredValue(logs, monitor);
      if (isBetter(value, state.best, mode, minDelta)) {
        state.best = value;
        state.bestEpoch = logs.epoch;
        state.wait = 0;
        if (restore) state.bestWeights = await Promise.all(ctx.model.weights.map(async (w) => (await w.read().data()) as Float32Array));
        return;
      }
      state.wait++;
      if (state.wait >= patience) ctx.stop('early-stopping');
    },
    onTrainEnd(ctx) {
      const weights = state.bestWeights;
      if (!restore || weights === null || state.bestEpoch === ctx.history.at(-1)?.epoch) return;
      const { tf } = ctx;
      const tensors = ctx.model.weights.map((w, i) => tf.tensor(weights[i]!, w.shape as number[]));
      ctx.model.setWeights(tensors);
      tf.dispose(tensors);
    },
    getState: () => state,
    setState(saved) {
      const s = saved as State;
      state = { ...s, best: s.best ?? (mode === 'min' ? Infinity : -Infinity) };
    },
  };
}
