import { availableParallelism, totalmem } from 'node:os';
import type { LayersModel } from '../runtime-types.js';
import { DlError } from '../errors.js';

/**
 * Training knobs bounded by the machine (DESIGN.md, "Trust boundaries"): a data-parallel worker per core at most,
 * and a run whose estimated memory exceeds what the process can have is refused before anything is allocated,
 * instead of ending as an out-of-memory kill or wasm's `memory access out of bounds` minutes later.
 */

/** tfjs-backend-wasm is built with a 4 GiB maximum heap; every tensor of a thread lives in its own heap. */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;

/** Share of the machine's memory one training run may plan to use: the rest is for the OS, Node and the data. */
const MACHINE_SHARE = 0.5;

/**
 * Bytes per activation value of a training step, in float32 values: the forward output (kept for the backward
 * pass), its gradient, and the backends' working buffers (im2col, wasm heap growth). Measured: the digits CNN on
 * wasm peaks at about 1.5 MB of RSS per example of the batch (540 examples: 1.0 GB against 0.17 GB at 16), which
 * is 7 of its 56,600 activation values per example.
 */
const ACTIVATION_COPIES = 7;

/** Gradient threads cannot usefully outnumber the cores, and each costs a tfjs instance and a copy of the weights. */
export function maxTrainingWorkers(): number {
  return availableParallelism();
}

export function assertWorkers(workers: number, what = 'workers'): void {
  if (!Number.isSafeInteger(workers) || workers < 1) throw new DlError('INVALID_ARGUMENT', `${what} must be a positive integer, got ${workers}`);
  const cores = maxTrainingWorkers();
  if (workers > cores) throw new DlError('INVALID_ARGUMENT', `${what} is ${workers}; this machine has ${cores} cores (at most ${cores} workers)`);
}

/** What one training step holds: the model's parameters and the activations of one example through it. */
export interface Footprint {
  params: number;
  /** Values of the input and of every layer output for one example. */
  activationsPerExample: number;
}

export interface TrainingPlan extends Footprint {
  /** Examples in one step (already at most the number of training examples). */
  batchSize: number;
  workers: number;
  /** Optimizer slots per parameter (Adam 2, SGD with momentum 1, plain SGD 0). */
  optimizerSlots: number;
  backend: string;
}

const product = (shape: ReadonlyArray<number | null>) => shape.reduce<number>((a, b) => a * (b ?? 1), 1);

/** Values of the input and of every layer output for one example, from the (symbolic) shapes of a model. */
export function activationsPerExample(model: LayersModel): number {
  let activations = product(model.inputs[0]?.shape.slice(1) ?? []);
  for (const layer of model.layers) {
    const shapes = layer.outputShape;
    const list = Array.isArray(shapes[0]) ? (shapes as unknown as Array<Array<number | null>>) : [shapes as Array<number | null>];
    for (const shape of list) activations += product(shape.slice(1));
  }
  return activations;
}

/** Parameters and per-example activations of a built model. */
export function modelFootprint(model: LayersModel): Footprint {
  return { params: model.countParams(), activationsPerExample: activationsPerExample(model) };
}

export function optimizerSlots(optimizer: { name?: string; momentum?: number } | undefined): number {
  if (optimizer?.name === 'sgd') return (optimizer.momentum ?? 0) > 0 ? 1 : 0;
  return 2;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(bytes < 1024 ** 3 ? 2 : 1)} GiB`;

/**
 * Bytes of one step on the thread that owns the optimizer and on each gradient worker: weights, gradients and
 * slots as float32, plus the activations of its shard of the batch.
 */
export function estimateTrainingBytes(plan: TrainingPlan): { main: number; worker: number; total: number } {
  const shard = Math.ceil(plan.batchSize / plan.workers);
  const activations = ACTIVATION_COPIES * plan.activationsPerExample * shard;
  const main = 4 * (plan.params * (2 + plan.optimizerSlots) + activations);
  // A worker also receives the weights as a message each step, next to its own copy in its tfjs heap.
  const worker = 4 * (plan.params * 3 + activations);
  return { main, worker, total: main + (plan.workers - 1) * (worker + 4 * plan.params) };
}

/** Refuses a run that cannot fit: the estimate and the budget it exceeds are in the message. */
export function assertTrainingFits(plan: TrainingPlan): void {
  const bytes = estimateTrainingBytes(plan);
  const machine = MACHINE_SHARE * totalmem();
  const what = `${plan.params.toLocaleString('en-US')} weights, batch size ${plan.batchSize}${plan.workers > 1 ? ` over ${plan.workers} workers` : ''}`;
  if (!Number.isFinite(bytes.total) || bytes.total > machine) {
    throw new DlError('INVALID_ARGUMENT', `Training needs an estimated ${gib(bytes.total)} (${what}); the budget is ${gib(machine)} (half of this machine's memory): use a smaller batch size or model`);
  }
  const heap = Math.max(bytes.main, plan.workers > 1 ? bytes.worker : 0);
  if (plan.backend === 'wasm' && heap > WASM_HEAP_BYTES) {
    throw new DlError('INVALID_ARGUMENT', `Training needs an estimated ${gib(heap)} per thread (${what}); the wasm backend's heap is ${gib(WASM_HEAP_BYTES)}: use a smaller batch size or model`);
  }
}

/** The parameter count alone, before a model is built: building allocates (and initialises) every weight. */
export function assertModelSize(params: number, backend: string, where: string): void {
  const limit = Math.min(MACHINE_SHARE * totalmem(), backend === 'wasm' ? WASM_HEAP_BYTES : Number.POSITIVE_INFINITY);
  // Weights, gradients and two optimizer slots: what training it would need at the very least.
  const bytes = 16 * params;
  if (!Number.isFinite(bytes) || bytes > limit) {
    throw new DlError('INVALID_ARGUMENT', `${where} has ${params.toLocaleString('en-US')} weights: training needs at least an estimated ${gib(bytes)}; the budget is ${gib(limit)}`);
  }
}
