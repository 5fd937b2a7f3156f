import type * as tfc from '@tensorflow/tfjs-core';

export type Tf = typeof tfc;
type Method = (this: tfc.Tensor, ...args: never[]) => unknown;

/**
 * The tensor methods (`t.expandDims()`, `t.as4D()`) that face-api's code calls, each the tfjs-core op of the same
 * name applied to the tensor. The "@tensorflow/tfjs" union registers these on tfjs-core's Tensor class (its
 * chained ops); tfjs-core's CommonJS build does not, so face-api gets them from here when it is handed tfjs-core
 * alone. The list is every chained op of tfjs 4.22 whose name is called as a method in face-api 1.7.15's build.
 */
const SAME_NAME = [
  'abs', 'add', 'all', 'asin', 'atan', 'avgPool', 'batchNorm', 'cast', 'clipByValue', 'conv2d', 'depthwiseConv2d', 'div', 'exp',
  'expandDims', 'floor', 'isNaN', 'log', 'matMul', 'max', 'maxPool', 'mean', 'min', 'mul', 'pad', 'relu', 'reshape', 'reverse',
  'round', 'separableConv2d', 'sigmoid', 'slice', 'softmax', 'split', 'sqrt', 'sub', 'tile', 'transpose', 'unstack',
] as const;

/** The chained ops whose body is not "the op of the same name", as tfjs 4.22 defines them. */
function specialMethods(tf: Tf): Record<string, Method> {
  const list = (t: tfc.Tensor, x: tfc.Tensor | tfc.Tensor[]) => [t, ...(x instanceof tf.Tensor ? [x] : x)];
  return {
    as1D(this: tfc.Tensor) { return tf.reshape(this, [this.size]); },
    as2D(this: tfc.Tensor, ...shape: number[]) { return tf.reshape(this, shape); },
    as3D(this: tfc.Tensor, ...shape: number[]) { return tf.reshape(this, shape); },
    as4D(this: tfc.Tensor, ...shape: number[]) { return tf.reshape(this, shape); },
    toInt(this: tfc.Tensor) { return tf.cast(this, 'int32'); },
    resizeBilinear(this: tfc.Tensor3D, size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
      return tf.image.resizeBilinear(this, size, alignCorners, halfPixelCenters);
    },
    concat(this: tfc.Tensor, x: tfc.Tensor | tfc.Tensor[], axis?: number) { return tf.concat(list(this, x), axis); },
    stack(this: tfc.Tensor, x: tfc.Tensor | tfc.Tensor[], axis?: number) { return tf.stack(list(this, x), axis); },
  } as Record<string, Method>;
}

/** Adds to tfjs-core's Tensor class the methods face-api calls that it lacks (once: present ones are kept). */
export function registerFaceApiTensorMethods(tf: Tf): void {
  const prototype = tf.Tensor.prototype as unknown as Record<string, Method | undefined>;
  const ops = tf as unknown as Record<string, (...args: unknown[]) => unknown>;
  const methods: Record<string, Method> = { ...specialMethods(tf) };
  for (const name of SAME_NAME) {
    methods[name] = function (this: tfc.Tensor, ...args: unknown[]) {
      return ops[name]!(this, ...args);
    } as Method;
  }
  for (const [name, method] of Object.entries(methods)) {
    if (prototype[name] !== undefined) continue;
    prototype[name] = function (this: tfc.Tensor, ...args: never[]) {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  }
}
