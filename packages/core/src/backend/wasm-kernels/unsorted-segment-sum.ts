import type { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum } from './tfjs-core.js';

/** The parts of tfjs-backend-wasm's BackendWasm this kernel uses (the class is not exported as a type). */
interface WasmHeap {
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * UnsortedSegmentSum, which tfjs-backend-wasm 4.22 lacks: it is the gradient of Gather, so without it an
 * Embedding layer cannot train on wasm. Rows of `x` are added into row `segmentIds[i]` of the output, straight
 * on the wasm heap: one pass, no one-hot matrix (which would be vocabulary x tokens). Ids outside
 * [0, numSegments) are dropped, as in TensorFlow.
 */
export function unsortedSegmentSum(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    const heap = backend as unknown as WasmHeap;
    const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
    const out = heap.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
    const values = heap.typedArrayFromHeap(x);
    const ids = heap.typedArrayFromHeap(segmentIds);
    const sums = heap.typedArrayFromHeap(out);
    sums.fill(0);
    for (let r = 0; r < rows; r++) {
      const id = ids[r]!;
      if (id < 0 || id >= numSegments) continue;
      const from = r * inner;
      const to = id * inner;
      for (let k = 0; k < inner; k++) sums[to + k]! += values[from + k]!;
    }
    return out;
  };
  return { kernelName: UnsortedSegmentSum, backendName, kernelFunc: kernelFunc as KernelFunc };
}
