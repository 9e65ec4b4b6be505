/**
 * TensorFlow's C library through @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node
 * (CPU), both optional peer dependencies, imported only here and only if installed.
 * Importing either registers the 'tensorflow' backend. Tensors live in TensorFlow's
 * memory and `dataSync` is a synchronous copy through the binding, so the host float64
 * root path applies. Their install scripts download libtensorflow, which fails on
 * machines that reach only the npm registry; `useBackend('node-gpu')` then says so.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BackendInfo, rootExecutorReported } from './backend-info.js';
import { activate, precisionOf } from './activate.js';
import { importOptional, isNode } from './runtime.js';

/** The packages tried, in order. */
export const NODE_GPU_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** Why neither package can be loaded here, or null if one of them can (without loading tfjs into the engine twice). */
export async function nodeGpuUnavailableReason(): Promise<string | null> {
  if (!isNode()) return 'node-gpu runs only in Node.js';
  const reasons: string[] = [];
  for (const name of NODE_GPU_PACKAGES) {
    const loaded = await importOptional<unknown>(name);
    if (loaded.ok) return null;
    reasons.push(loaded.reason);
  }
  return `${reasons.join('; ')} (npm install @tensorflow/tfjs-node-gpu, or @tensorflow/tfjs-node for CPU; their install script downloads libtensorflow from outside the npm registry)`;
}

/** Loads tfjs-node-gpu (else tfjs-node) and activates its 'tensorflow' backend. */
export async function startNodeGpu(): Promise<BackendInfo> {
  const reason = await nodeGpuUnavailableReason();
  if (reason !== null) throw new Error(`useBackend('node-gpu'): ${reason}`);
  await activate('tensorflow', 'the TensorFlow binding loaded but its backend did not start (check CUDA/cuDNN versions for tfjs-node-gpu)');
  return {
    name: tf.getBackend(),
    precision: precisionOf(),
    cheapSyncReadback: true,
    threads: 1,
    adapterInfo: null,
    rootExecutor: rootExecutorReported(true),
    skipped: [],
  };
}
