import { isBetter, modeFor, monitoredValue } from './early-stopping.js';
import type { Callback } from './callback.js';

/** Multiplies the optimizer's initial learning rate by `factor` every `everyEpochs` epochs. */
export function stepDecay(options: { everyEpochs: number; factor?: number }): Callback {
  const factor = options.factor ?? 0.1;
  return {
    name: 'step-decay',
    onBatchBegin(ctx) {
      ctx.optimizer.learningRate = ctx.optimizer.config.learningRate * factor ** Math.floor(ctx.epoch / options.everyEpochs);
    },
  };
}

export interface CosineOptions {
  /** Linear warm-up from 0 over these epochs (fractions allowed; default 0). */
  warmupEpochs?: number;
  /** Floor of the decay (default 0). */
  minLearningRate?: number;
}

/** Linear warm-up, then cosine decay to `minLearningRate` at the end of the last epoch, per step. */
export function cosineDecay(options: CosineOptions = {}): Callback {
  const minLr = options.minLearningRate ?? 0;
  return {
    name: 'cosine-decay',
    onBatchBegin(ctx) {
      const base = ctx.optimizer.config.learningRate;
      const total = ctx.epochs * ctx.stepsPerEpoch;
      const warmup = Math.round((options.warmupEpochs ?? 0) * ctx.stepsPerEpoch);
      const t = ctx.epoch * ctx.stepsPerEpoch + ctx.step;
      if (t < warmup) {
        ctx.optimizer.learningRate = (base * (t + 1)) / warmup;
        return;
      }
      const progress = total === warmup ? 1 : (t - warmup) / (total - warmup);
      ctx.optimizer.learningRate = minLr + 0.5 * (base - minLr) * (1 + Math.cos(Math.PI * progress));
    },
  };
}

export interface ReduceOnPlateauOptions {
  monitor?: string;
  mode?: 'min' | 'max';
  /** Multiplier applied on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 2). */
  patience?: number;
  minDelta?: number;
  /** Epochs to wait after a reduction (default 0). */
  cooldown?: number;
  minLearningRate?: number;
}

/** Keras ReduceLROnPlateau: lowers the learning rate when the monitored figure stalls. */
export function reduceOnPlateau(options: ReduceOnPlateauOptions = {}): Callback {
  const monitor = options.monitor ?? 'val_loss';
  const mode = options.mode ?? modeFor(monitor);
  const factor = options.factor ?? 0.1;
  const patience = options.patience ?? 2;
  let state = { best: mode === 'min' ? Infinity : -Infinity, wait: 0, cooldown: 0 };
  return {
    name: 'reduce-on-plateau',
    onEpochEnd(ctx, logs) {
      const value = monitoredValue(logs, monitor);
      if (state.cooldown > 0) state.cooldown--;
      if (isBetter(value, state.best, mode, options.minDelta ?? 0)) {
        state.best = value;
        state.wait = 0;
        return;
      }
      if (state.cooldown > 0) return;
      if (++state.wait >= patience) {
        ctx.optimizer.learningRate = Math.max(options.minLearningRate ?? 0, ctx.optimizer.learningRate * factor);
        state.wait = 0;
        state.cooldown = options.cooldown ?? 0;
      }
    },
    getState: () => state,
    setState(saved) {
      const s = saved as typeof state;
      state = { ...s, best: s.best ?? (mode === 'min' ? Infinity : -Infinity) };
    },
  };
}
