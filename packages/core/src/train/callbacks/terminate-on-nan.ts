import type { Callback } from './callback.js';

/** Stops as soon as a batch loss is NaN or infinite: nothing more can be learned from there. */
export function terminateOnNaN(): Callback {
  return {
    name: 'terminate-on-nan',
    onBatchEnd(ctx, logs) {
      if (!Number.isFinite(logs.batchLoss)) ctx.stop('nan');
    },
  };
}
