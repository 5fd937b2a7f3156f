import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel } from './tfjs-core.js';

/**
 * Builds a kernel out of other kernels of the same backend by calling their implementations directly, as the
 * backends themselves do: no engine scope, no gradient tape, no profiler entries for the parts. Every output is
 * an intermediate owned here until `finish` hands back the result and frees the rest.
 */
export class KernelComposer {
  private readonly intermediates: TensorInfo[] = [];

  constructor(
    private readonly backend: KernelBackend,
    private readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: object = {}): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(`Kernel '${kernelName}' is not registered for backend '${this.backendName}'`);
    }
    const out = kernel.kernelFunc({
      inputs: inputs as Record<string, TensorInfo>,
      attrs: attrs as NamedAttrMap,
      backend: this.backend,
    });
    if (Array.isArray(out)) throw new Error(`Kernel '${kernelName}' returned several outputs`);
    this.intermediates.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Pads (positive amounts, with `fill`) or crops (negative amounts) each axis by [before, after]. */
  padOrCrop(x: TensorInfo, amounts: Array<[number, number]>, fill = 0): TensorInfo {
    let out = x;
    if (amounts.some(([a, b]) => a < 0 || b < 0)) {
      const begin = amounts.map(([a]) => Math.max(0, -a));
      const size = amounts.map(([a, b], i) => out.shape[i]! - Math.max(0, -a) - Math.max(0, -b));
      out = this.run('Slice', { x: out }, { begin, size });
    }
    if (amounts.some(([a, b]) => a > 0 || b > 0)) {
      const paddings = amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]);
      out = this.run('PadV2', { x: out }, { paddings, constantValue: fill });
    }
    return out;
  }

  finish(result: TensorInfo): TensorInfo {
    for (const t of this.intermediates) {
      if (t !== result) this.backend.disposeData(t.dataId);
    }
    this.intermediates.length = 0;
    return result;
  }

  /** Frees every intermediate; for the error path. */
  abandon(): void {
    for (const t of this.intermediates) this.backend.disposeData(t.dataId);
    this.intermediates.length = 0;
  }
}

/** Runs `body` with a composer, freeing intermediates whether it returns or throws. */
export function compose(
  backend: KernelBackend,
  backendName: string,
  body: (k: KernelComposer) => TensorInfo,
): TensorInfo {
  const k = new KernelComposer(backend, backendName);
  try {
    return k.finish(body(k));
  } catch (error) {
    k.abandon();
    throw error;
  }
}
