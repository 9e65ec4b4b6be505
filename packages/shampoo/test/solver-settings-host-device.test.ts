/**
 * Matrix-function settings live in the preconditioner config and travel in every
 * 'inverse-root' task spec as `solver`; the host and the device executors read them alike:
 * coupled Newton with newton.maxIterations = k gives the same k-th iterate on both (float64
 * on the host, float32 on the device), and enough iterations reach A^(-1/2) computed by an
 * independent Jacobi eigensolver.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { deviceRootExecutor, hostRootExecutor, type RootExecutor } from '@shampoo-ts/shampoo';
import { expectClose, inverseRootSpec, symmetricPower } from './helpers.js';

const A = [2, 0.3, 0, 0.3, 1.5, 0.2, 0, 0.2, 1];

/** The root one executor computes for A with newton.maxIterations = k. */
function newtonRoot(executor: RootExecutor, k: number): Float32Array {
  const spec = inverseRootSpec(3, { method: 'newton', solver: { newton: { maxIterations: k, tolerance: 0 } } });
  const factor = tf.tensor2d(A, [3, 3]);
  const previous = tf.eye(3);
  executor.submit(1, [{ spec, factor, previous }]);
  const [result] = executor.collect(1);
  const root = (result as { root: tf.Tensor }).root.dataSync() as Float32Array;
  disposeTree([factor, previous, result as never]);
  return Float32Array.from(root);
}

describe('solver settings: host and device read them alike', () => {
  it('newton.maxIterations k gives the same iterate on both; large k reaches A^(-1/2)', () => {
    const roots = [2, 3, 30].map((k) => ({ k, host: newtonRoot(hostRootExecutor(), k), device: newtonRoot(deviceRootExecutor(), k) }));
    for (const { k, host, device } of roots) expectClose(device, host, 1e-4, 1e-5, `k = ${k}`);
    const exact = symmetricPower(A, 3, -0.5);
    expectClose(roots[2].host, exact, 1e-5, 1e-6, 'host, k = 30');
    const gap = Math.max(...roots[0].host.map((x, i) => Math.abs(x - exact[i])));
    expect(gap).toBeGreaterThan(1e-4); // two iterations are not yet the root: the setting is read
  });
});
