import { rm, access } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDataset, errorMessage, isDlError, type Callback } from '@dlkit/core';
import { DIGITS_RECIPE, trainDigits } from '@dlkit/vision';
import type { BatchPoint, EpochFigures, TrainSnapshot, TrainStatus } from '../../shared/training.js';
import { ApiError } from '../api-error.js';

export type TrainEvent = { type: 'state'; state: TrainSnapshot } | { type: 'batch'; point: BatchPoint } | { type: 'epoch'; logs: EpochFigures };

export interface DigitsTrainerOptions {
  /** The MNIST digits (cazala JSON or IDX files), as `dl train digits --data` takes; default the registered `mnist-cazala`. */
  data?: string;
  /** Where the checkpoint and the trained model go. */
  workDir: string;
  /** Called with the model folder when a run completes. */
  onModel(dir: string, name: string): void;
  /** The name the trained model is offered under. */
  modelName: string;
}

/** Epochs a run may ask for (the recipe trains 3): one request must not keep the machine's cores for a day. */
export const MAX_EPOCHS = 50;

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * Trains the digits network in the server, one run at a time, with the recipe of `pnpm train:digits`. Stop
 * aborts after the current step and saves a checkpoint; resume goes on from it, in the same process or after
 * a restart of the server.
 */
export class DigitsTrainer {
  private status: TrainStatus = 'idle';
  private epochs: number = DIGITS_RECIPE.epochs;
  private stepsPerEpoch = 0;
  private batches: BatchPoint[] = [];
  private history: EpochFigures[] = [];
  private error: TrainSnapshot['error'];
  private model: string | undefined;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private readonly listeners = new Set<(event: TrainEvent) => void>();
  private readonly checkpointDir: string;
  private readonly modelDir: string;

  constructor(private readonly options: DigitsTrainerOptions) {
    this.checkpointDir = join(options.workDir, 'digits.checkpoint');
    this.modelDir = join(options.workDir, 'digits-model');
  }

  /** A checkpoint left by an earlier server can be resumed (its chart is not kept across restarts). */
  async init(): Promise<void> {
    if (await exists(join(this.checkpointDir, 'checkpoint.json'))) this.status = 'stopped';
    if (await exists(join(this.modelDir, 'dlkit.json'))) {
      this.model = this.options.modelName;
      this.options.onModel(this.modelDir, this.options.modelName);
    }
  }

  snapshot(): TrainSnapshot {
    return {
      status: this.status,
      epochs: this.epochs,
      stepsPerEpoch: this.stepsPerEpoch,
      batches: this.batches,
      history: this.history,
      resumable: this.status === 'stopped',
      ...(this.model !== undefined ? { model: this.model } : {}),
      ...(this.error !== undefined ? { error: this.error } : {}),
    };
  }

  subscribe(listener: (event: TrainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: TrainEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private setStatus(status: TrainStatus): void {
    this.status = status;
    this.emit({ type: 'state', state: this.snapshot() });
  }

  private assertIdle(): void {
    if (this.status === 'running' || this.status === 'stopping') throw new ApiError(409, 'CONFLICT', 'A training run is already going; stop it first.');
  }

  /** A fresh run deletes the checkpoint of a stopped one: only when the caller says so (`fresh`). */
  async start(epochs: number, { fresh = false } = {}): Promise<void> {
    this.assertIdle();
    if (this.status === 'stopped' && !fresh) {
      throw new ApiError(409, 'CONFLICT', 'A stopped run can be resumed; starting over would delete its checkpoint. Resume it, or start with {"fresh": true}.');
    }
    await rm(this.checkpointDir, { recursive: true, force: true });
    this.epochs = epochs;
    this.batches = [];
    this.history = [];
    this.begin(false);
  }

  resume(): void {
    this.assertIdle();
    if (this.status !== 'stopped') throw new ApiError(409, 'CONFLICT', 'There is no stopped run to resume; start one.');
    this.begin(true);
  }

  stop(): void {
    if (this.status !== 'running') throw new ApiError(409, 'CONFLICT', 'No training run is going.');
    this.controller?.abort();
    this.setStatus('stopping');
  }

  /** Stops a run and waits for its checkpoint, so the server can exit without losing it. */
  async close(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.listeners.clear();
  }

  private progress(): Callback {
    return {
      name: 'demo-progress',
      onTrainBegin: (ctx) => {
        this.stepsPerEpoch = ctx.stepsPerEpoch;
        this.emit({ type: 'state', state: this.snapshot() });
      },
      onBatchEnd: (ctx, logs) => {
        const point = { step: ctx.globalStep, epoch: ctx.epoch, loss: logs.loss, accuracy: logs.accuracy, batchLoss: logs.batchLoss };
        this.batches.push(point);
        this.emit({ type: 'batch', point });
      },
      onEpochEnd: (_ctx, logs) => {
        this.history.push(logs);
        this.emit({ type: 'epoch', logs });
      },
    };
  }

  private begin(resume: boolean): void {
    this.controller = new AbortController();
    this.error = undefined;
    this.setStatus('running');
    this.running = (async () => {
      try {
        // Resolved per run: a set that is absent (not cached, no DL_DATA_MIRROR) fails this run with DATASET_OFFLINE.
        const data = this.options.data ?? (await ensureDataset('mnist-cazala', { signal: this.controller!.signal }));
        const { result, saved } = await trainDigits({
          data,
          epochs: this.epochs,
          out: this.modelDir,
          // The Train page retrains its own model folder on purpose: each run replaces the last one.
          overwrite: true,
          checkpointDir: this.checkpointDir,
          ...(resume ? { resumeFrom: this.checkpointDir } : {}),
          signal: this.controller!.signal,
          callbacks: [this.progress()],
        });
        if (saved !== undefined) {
          this.model = this.options.modelName;
          this.options.onModel(this.modelDir, this.options.modelName);
        }
        this.setStatus(result.stopReason === 'aborted' ? 'stopped' : 'completed');
      } catch (error) {
        this.error = { code: isDlError(error) ? error.code : 'INTERNAL', message: errorMessage(error) };
        this.setStatus('failed');
      }
    })();
  }
}
