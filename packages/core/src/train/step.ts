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
 * Forward and backward pass on one batch (or one shard of it): loss, hits and gradients, no update. With
 * `targets` the loss is the mean squared error of a one-unit output (regression; no hits are counted).
 * @internal
 */
export function computeGradients(
  tf: Tf,
  model: LayersModel,
  variables: tfc.Variable[],
  xs: Float32Array,
  ys: Int32Array,
  featureShape: readonly number[],
  classes: number,
  probabilities: boolean,
  targets?: Float32Array,
): StepGradients {
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
  const predicted = targets ? undefined : tf.tidy(() => tf.argMax(output!, -1).dataSync());
  // Kept out of the gradient scope so accuracy can be read from it; nothing else owns it.
  output!.dispose();
  let correct = 0;
  if (predicted) for (let i = 0; i < size; i++) if (predicted[i] === ys[i]) correct++;
  const loss = value.dataSync()[0]!;
  value.dispose();
  return { loss, correct, grads: variables.map((v) => grads[v.name]!) };
}
