import type { BatchMatMulAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchMatMul } from './tfjs-core.js';
import { compose } from './kernel-composer.js';

/**
 * The wasm BatchMatMul is fast (XNNPACK) only when neither operand is transposed; with transposeA or transposeB,
 * which every matmul gradient asks for, it takes a loop about 12x slower (measured here: [1600,64]^T x [1600,128]
 * 12.5 ms vs 0.9 ms). Transposing the operand first costs far less than the difference.
 */
export function batchMatMulWithoutTransposes(backendName: string, upstreamConfig: KernelConfig): KernelConfig {
  const upstream = upstreamConfig.kernelFunc;
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    if (!transposeA && !transposeB) return upstream({ inputs, backend, attrs }) as TensorInfo;
    return compose(backend as KernelBackend, backendName, (k) => {
      const swapLastTwo = (t: TensorInfo) => {
        const perm = t.shape.map((_, i) => i);
        perm.splice(-2, 2, perm.length - 1, perm.length - 2);
        return k.transpose(t, perm);
      };
      return upstream({
        inputs: { a: transposeA ? swapLastTwo(a) : a, b: transposeB ? swapLastTwo(b) : b },
        backend,
        attrs: { transposeA: false, transposeB: false },
      }) as TensorInfo;
    });
  };
  // The upstream kernel binds its wasm function in its setupFunc, run when the backend initialises.
  return { ...upstreamConfig, kernelName: BatchMatMul, backendName, kernelFunc: kernelFunc as KernelFunc };
}
