import type { Callback } from './callback.js';

export interface CheckpointOptions {
  dir: string;
  /** Save after every N epochs (default 1). */
  everyEpochs?: number;
  /** Also save every N steps. */
  everySteps?: number;
}

/**
 * Saves a resumable checkpoint (weights, optimizer slots, position, callback states) periodically and when
 * training is interrupted. Each save replaces the last, atomically.
 */
export function checkpoints(options: CheckpointOptions): Callback {
  const everyEpochs = options.everyEpochs ?? 1;
  return {
    name: 'checkpoints',
    async onBatchEnd(ctx) {
      if (options.everySteps !== undefined && ctx.globalStep % options.everySteps === 0 && ctx.step < ctx.stepsPerEpoch) {
        await ctx.saveCheckpoint(options.dir);
      }
    },
    async onEpochEnd(ctx, logs) {
      if ((logs.epoch + 1) % everyEpochs === 0 || logs.epoch + 1 === ctx.epochs) await ctx.saveCheckpoint(options.dir);
    },
    async onInterrupt(ctx) {
      await ctx.saveCheckpoint(options.dir);
    },
  };
}
