/** Messages between `fit` and its gradient workers (structured-cloned over worker_threads). */
export interface WorkerInit {
  backend: string;
  /** `model.toJSON()`: the worker builds the same model; weights come with each step. */
  topology: object;
  featureShape: number[];
  classes: number;
  probabilities: boolean;
}

export interface StepRequest {
  id: number;
  /** Every weight of the model (`model.weights` order) as it is before this step. */
  weights: Float32Array[];
  x: Float32Array;
  y: Int32Array;
  /** Coordinates of the step's random stream (dropout). */
  rng: number[];
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'step'; id: number; loss: number; correct: number; grads: Float32Array[] }
  | { type: 'error'; id?: number; message: string };
