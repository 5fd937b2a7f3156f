import type * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '../runtime-types.js';
import type { Tf } from '../backend/tfjs.js';

/**
 * Sparse categorical cross-entropy; on probabilities when the model ends in softmax, else on logits. The
 * epsilon is added rather than clipped to (as Keras does) because wasm's clip turns NaN into a bound, which
 * would hide a diverged run from terminate-on-NaN.
 * @internal
 */
export function crossEntropy(tf: Tf, output: tfc.Tensor, labels: tfc.Tensor1D, classes: number, probabilities: boolean): tfc.Scalar {
  const oneHot = tf.cast(tf.oneHot(labels, classes), 'float32');
  if (!probabilities) return tf.losses.softmaxCrossEntropy(oneHot, output) as tfc.Scalar;
  const picked = tf.sum(tf.mul(output, oneHot), -1);
  return tf.neg(tf.mean(tf.log(tf.add(picked, 1e-7)))) as tfc.Scalar;
}

export function endsInSoftmax(model: LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  return (last?.getConfig() as { activation?: string } | undefined)?.activation === 'softmax';
}

/** @internal */
export interface StepGradients {
  /** Mean loss of the examples given. */
  loss: number;
  correct: number;
  /** Gradient of the mean loss for each variable, in the order given; the caller disposes them. */
  grads: tfc.Tensor[];
}

/** Mean squared error of a one-unit output [n, 1] against the targets [n]: the regression loss. @internal */
export function meanSquaredError(tf: Tf, output: tfc.Tensor, targets: tfc.Tensor1D): tfc.Scalar {
  return tf.mean(tf.square(tf.sub(tf.reshape(output, [-1]), targets))) as tfc.Scalar;
}

/**
 * The tensors of one forward and backward pass, not yet read: the mean loss, the predicted class of each example
 * (classification), the gradients. @internal
 */
export interface PendingStep {
  value: tfc.Scalar;
  predicted: tfc.Tensor | undefined;
  grads: tfc.Tensor[];
  ys: Int32Array;
}

/**
 * Forward and backward pass on one batch (or one shard of it): loss, predictions and gradients as tensors, no
 * update, nothing read. With `targets` the loss is the mean squared error of a one-unit output (regression; no
 * predictions are kept).
 * @internal
 */
export function forwardBackward(
  tf: Tf,
  model: LayersModel,
  variables: tfc.Variable[],
  xs: Float32Array,
  ys: Int32Array,
  featureShape: readonly number[],
  classes: number,
  probabilities: boolean,
  targets?: Float32Array,
): PendingStep {
  const size = ys.length;
  let output: tfc.Tensor | undefined;
  const { value, grads } = tf.tidy(() => {
    const x = tf.tensor(xs, [size, ...featureShape]);
    const labels = tf.tensor1d(ys, 'int32');
    const wanted = targets ? tf.tensor1d(targets, 'float32') : undefined;
    return tf.variableGrads(() => {
      output = tf.keep(model.apply(x, { training: true }) as tfc.Tensor);
      return wanted ? meanSquaredError(tf, output, wanted) : crossEntropy(tf, output, labels, classes, probabilities);
    }, variables);
  });
  // Kept out of the gradient scope so accuracy can be read from it; nothing else owns it.
  const predicted = targets ? undefined : tf.tidy(() => tf.argMax(output!, -1));
  output!.dispose();
  return { value, predicted, grads: variables.map((v) => grads[v.name]!), ys };
}

function settle(step: PendingStep, loss: number, predicted: ArrayLike<number> | undefined): StepGradients {
  step.value.dispose();
  step.predicted?.dispose();
  let correct = 0;
  if (predicted) for (let i = 0; i < step.ys.length; i++) if (predicted[i] === step.ys[i]) correct++;
  return { loss, correct, grads: step.grads };
}

/**
 * A step's loss and hits, read asynchronously: the only read tfjs's webgpu backend has in Node (its synchronous
 * one draws through an OffscreenCanvas); on wasm and cpu the same values as `dataSync`. @internal
 */
export async function readStep(step: PendingStep): Promise<StepGradients> {
  const [loss, predicted] = await Promise.all([step.value.data(), step.predicted?.data()]);
  return settle(step, loss[0]!, predicted);
}

/** `forwardBackward`, read at once (synchronously): what the gradient workers run, inside a seeded scope. @internal */
export function computeGradients(...args: Parameters<typeof forwardBackward>): StepGradients {
  const step = forwardBackward(...args);
  return settle(step, step.value.dataSync()[0]!, step.predicted?.dataSync());
}
