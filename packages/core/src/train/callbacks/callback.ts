import type { LayersModel } from '../../runtime-types.js';
import type { Tf } from '../../backend/tfjs.js';
import type { Optimizer } from '../optim/optimizers.js';

/** Figures of one epoch; `val_*` when there is validation data. */
export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss?: number;
  val_accuracy?: number;
  /** val_top5 etc. */
  [metric: string]: number | undefined;
}

export interface BatchLogs {
  /** Mean loss and accuracy of this epoch so far. */
  loss: number;
  accuracy: number;
  /** This batch's loss. */
  batchLoss: number;
}

export type StopReason = 'completed' | 'early-stopping' | 'nan' | 'aborted';

/** What callbacks see and may change while `fit` runs. */
export interface TrainingContext {
  readonly tf: Tf;
  readonly model: LayersModel;
  /** Schedules set `optimizer.learningRate`. */
  readonly optimizer: Optimizer;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Current epoch and batch within it (0-based). */
  readonly epoch: number;
  readonly step: number;
  readonly globalStep: number;
  readonly history: readonly EpochLogs[];
  /** Ends training after the current step. */
  stop(reason: Exclude<StopReason, 'completed' | 'aborted'>): void;
  /** Writes a checkpoint of the run as it is now (weights, optimizer, position, callback states). */
  saveCheckpoint(dir: string): Promise<void>;
}

/**
 * Hooks into the fit loop (Keras callbacks). A callback with state that must survive a resume (best value,
 * patience counter) gives it through getState/setState; Float32Arrays in the state are stored as binary.
 */
export interface Callback {
  /** Unique per run: the key of its state in checkpoints. */
  readonly name: string;
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  onEpochBegin?(ctx: TrainingContext): void | Promise<void>;
  onBatchBegin?(ctx: TrainingContext): void;
  onBatchEnd?(ctx: TrainingContext, logs: BatchLogs): void | Promise<void>;
  onEpochEnd?(ctx: TrainingContext, logs: EpochLogs): void | Promise<void>;
  /** Training was interrupted (AbortSignal): last chance to save. */
  onInterrupt?(ctx: TrainingContext): void | Promise<void>;
  onTrainEnd?(ctx: TrainingContext, reason: StopReason): void | Promise<void>;
  getState?(): unknown;
  setState?(state: unknown): void;
}
