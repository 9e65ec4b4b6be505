/**
 * Registers the training kernels that tfjs-backend-wasm 4.22 lacks, found by training
 * small networks with tf.variableGrads and model.fit on 'wasm' (docs/backends.md lists
 * the trials): Conv2DBackpropFilter (every conv net), DepthwiseConv2dNativeBackpropFilter
 * and DepthwiseConv2dNativeBackpropInput (depthwise and separable convolutions) and
 * UnsortedSegmentSum (the gradient of gather, so of embeddings). It also replaces the
 * backend's Conv2DBackpropInput, a direct loop, by a matmul-based one about 3x faster,
 * and wraps its BatchMatMul so that transposed operands are transposed first and the
 * product runs on XNNPACK (10x faster for the backward pass of dense layers).
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputWasm } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterWasm } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputWasm } from './depthwise-backprop-input.js';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum.js';
import { TRANSPOSE_FIRST, transposeFirstBatchMatMul } from './batch-mat-mul.js';

/** The kernels this package adds to the wasm backend (registered only where none exists). */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterWasm,
  depthwiseBackpropFilterWasm,
  depthwiseBackpropInputWasm,
  unsortedSegmentSumWasm,
];

/** The kernels this package substitutes for slower ones of the wasm backend. */
export const WASM_FASTER_KERNELS: readonly tf.KernelConfig[] = [conv2DBackpropInputWasm];

/**
 * Registers each kernel of WASM_TRAINING_KERNELS that no one has registered for 'wasm'
 * yet (a later tfjs that ships its own keeps it), and, unless `replace` is false, each of
 * WASM_FASTER_KERNELS in place of the backend's own and the transpose-first wrapper
 * around the backend's BatchMatMul (once the backend has registered it). Returns the names
 * it registered. Idempotent. Call it before or after tf.setBackend('wasm');
 * useBackend('wasm') calls it.
 */
export function registerWasmTrainingKernels(options: { replace?: boolean } = {}): string[] {
  const registered: string[] = [];
  for (const config of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  if (options.replace !== false) {
    for (const config of WASM_FASTER_KERNELS) {
      const current = tf.getKernel(config.kernelName, 'wasm');
      if (current?.kernelFunc === config.kernelFunc) continue;
      if (current != null) tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
      registered.push(config.kernelName);
    }
    const matMul = tf.getKernel(tf.BatchMatMul, 'wasm');
    if (matMul != null && !(TRANSPOSE_FIRST in matMul.kernelFunc)) {
      tf.unregisterKernel(tf.BatchMatMul, 'wasm');
      tf.registerKernel(transposeFirstBatchMatMul(matMul));
      registered.push(tf.BatchMatMul);
    }
  }
  return registered;
}
