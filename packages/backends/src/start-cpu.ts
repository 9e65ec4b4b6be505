/**
 * The cpu backend: plain JavaScript, float32, always available, slow (about 1.3 GFLOP/s
 * matmul here). Its tensors live in JS memory, so a synchronous read is free.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BackendInfo, rootExecutorReported } from './backend-info.js';
import { activate, precisionOf } from './activate.js';

/** Registers (by importing @tensorflow/tfjs-backend-cpu) and activates the cpu backend. */
export async function startCpu(): Promise<BackendInfo> {
  await import('@tensorflow/tfjs-backend-cpu');
  await activate('cpu', 'the cpu backend (@tensorflow/tfjs-backend-cpu) failed to initialise');
  return { name: 'cpu', precision: precisionOf(), cheapSyncReadback: true, threads: 1, adapterInfo: null, rootExecutor: rootExecutorReported(true), skipped: [] };
}
