import type { KernelConfig } from '@tensorflow/tfjs-core';
import { BatchMatMul, getKernel, registerKernel, Sum, unregisterKernel } from './tfjs-core.js';
import { batchMatMulWithoutTransposes } from './batch-mat-mul.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilter } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInput } from './depthwise-backprop-input.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { sumOverLeadingAxes } from './sum.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

const REGISTERED = Symbol.for('dlkit.wasmTrainingKernels');

/**
 * Makes the tfjs wasm backend able to train, and train fast. tfjs-backend-wasm 4.22 lacks the gradient kernels of
 * its convolutions (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter/Input) and of Gather
 * (UnsortedSegmentSum, for embeddings), so `fit` fails on it; and some kernels it has are several times slower than
 * the XNNPACK ops they can be built from (or than a JS loop over its heap), or wrong (see each kernel's comment).
 * Registers the missing ones and replaces the slow ones. Returns the names it changed; a second call changes nothing.
 */
export function registerWasmTrainingKernels(backendName = 'wasm'): string[] {
  const state = globalThis as { [REGISTERED]?: Set<string> };
  const done = (state[REGISTERED] ??= new Set());
  if (done.has(backendName)) return [];
  done.add(backendName);

  const changed: string[] = [];
  const install = (config: KernelConfig) => {
    if (getKernel(config.kernelName, backendName) !== undefined) unregisterKernel(config.kernelName, backendName);
    registerKernel(config);
    changed.push(config.kernelName);
  };
  for (const config of [
    conv2dBackpropFilter(backendName),
    conv2dBackpropInput(backendName),
    depthwiseBackpropFilter(backendName),
    depthwiseBackpropInput(backendName),
    maxPoolGrad(backendName),
    unsortedSegmentSum(backendName),
  ]) {
    install(config);
  }
  const upstreamMatMul = getKernel(BatchMatMul, backendName);
  if (upstreamMatMul !== undefined) install(batchMatMulWithoutTransposes(backendName, upstreamMatMul));
  const upstreamSum = getKernel(Sum, backendName);
  if (upstreamSum !== undefined) install(sumOverLeadingAxes(backendName, upstreamSum));
  return changed;
}
