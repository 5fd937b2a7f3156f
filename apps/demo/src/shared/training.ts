// What the training API and its event stream carry: shared by the server and the page, types only.
import type { EpochLogs } from '@dlkit/core';

export type TrainStatus = 'idle' | 'running' | 'stopping' | 'stopped' | 'completed' | 'failed';

/** One training step as the chart draws it: the epoch's running means so far, and this batch's loss. */
export interface BatchPoint {
  step: number;
  epoch: number;
  loss: number;
  accuracy: number;
  batchLoss: number;
}

/** An epoch's figures, as `fit` reports them (`val_*` with validation data). */
export type EpochFigures = EpochLogs;

export interface TrainSnapshot {
  status: TrainStatus;
  epochs: number;
  stepsPerEpoch: number;
  batches: BatchPoint[];
  history: EpochFigures[];
  /** A stopped run can go on from its checkpoint. */
  resumable: boolean;
  /** Set once a run has completed and its model can be used by the digits page. */
  model?: string;
  error?: { code: string; message: string };
}
