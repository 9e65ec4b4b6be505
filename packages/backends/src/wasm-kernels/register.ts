/**
 * Registers the training kernels that tfjs-backend-wasm 4.22 lacks, found by training
 * small networks with tf.variableGrads on 'wasm' (docs/backends.md lists the trials):
 * Conv2DBackpropFilter (every conv net), DepthwiseConv2dNativeBackpropFilter and
 * DepthwiseConv2dNativeBackpropInput (depthwise and separable convolutions) and
 * UnsortedSegmentSum (the gradient of gather, so of embeddings).
 */
import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter.js';
import { depthwiseBackpropFilterWasm } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputWasm } from './depthwise-backprop-input.js';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum.js';

/** The kernels this package provides for the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterWasm,
  depthwiseBackpropFilterWasm,
  depthwiseBackpropInputWasm,
  unsortedSegmentSumWasm,
];

/**
 * Registers each kernel of WASM_TRAINING_KERNELS that no one has registered for 'wasm'
 * yet (a later tfjs that ships its own keeps it) and returns the names it registered.
 * Idempotent. Call it before or after tf.setBackend('wasm'); useBackend('wasm') calls it.
 */
export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  for (const config of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') != null) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
