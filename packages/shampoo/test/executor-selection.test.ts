/**
 * Choosing where roots are computed: rootExecutor 'auto' (the default) decides at init()
 * from tf.getBackend(), the kinds can be forced, and full eigendecompositions run on the
 * device by Jacobi when the device executor is chosen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { autoRootExecutor, deviceRootExecutor, forwardRootExecutor, hostRootExecutor, rootExecutorKindFor, rootPlacementFor, scaleByShampoo, withDeviceEigen, type RootTaskSpec, type ShampooOptions } from '@shampoo-ts/shampoo';
import { jacobiEigenTensors, roundRobinSchedule } from '../src/executors/device-eigen.js';
import { computeRoot } from '../src/root-task.js';
import { arbClusteredSymmetric, arbSpd, eigenResidual, orthogonalityError } from '@shampoo-ts/testing';
import { expectClose, runUpdates } from './helpers.js';

/** A backend named 'webgpu' that is the cpu backend underneath, so that tf.getBackend() says 'webgpu'. */
const FAKE_GPU = 'webgpu';
beforeAll(() => {
  const Cpu = (tf.findBackend('cpu') as object).constructor as new () => tf.KernelBackend;
  tf.registerBackend(FAKE_GPU, () => new Cpu(), -1);
  tf.copyRegisteredKernels('cpu', FAKE_GPU);
});
afterAll(async () => {
  await tf.setBackend('cpu');
  tf.removeBackend(FAKE_GPU);
  for (const k of tf.getKernelsForBackend(FAKE_GPU)) tf.unregisterKernel(k.kernelName, FAKE_GPU);
});

/** Runs `fn` on the fake GPU backend with dataSync counted; returns its result and the count. */
async function onFakeGpu<T>(fn: () => T): Promise<{ result: T; reads: number }> {
  await tf.setBackend(FAKE_GPU);
  const realDataSync = tf.Tensor.prototype.dataSync;
  let reads = 0;
  tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
    reads++;
    return realDataSync.call(this);
  } as typeof realDataSync;
  try {
    return { result: fn(), reads };
  } finally {
    tf.Tensor.prototype.dataSync = realDataSync;
    await tf.setBackend('cpu');
  }
}

const gradients = (shape: [number, number], count: number) =>
  Array.from({ length: count }, (_, t) => ({ w: tf.tensor2d(Array.from({ length: shape[0] * shape[1] }, (_, i) => Math.sin(1.3 * i + 2.1 * t) + 0.05 * i), shape) }));

/** Updates of scaleByShampoo(options) over `grads` (as plain arrays), created and run inside `fn`'s backend. */
function updates(options: ShampooOptions, grads: Array<{ w: tf.Tensor }>): Float32Array[] {
  const w = tf.zeros(grads[0].w.shape);
  const { updates: out, state } = runUpdates(scaleByShampoo(options), { w }, grads);
  disposeTree([state, w]);
  return out.map((u) => u[0]);
}

const base: ShampooOptions = { betas: [0, 0.99], epsilon: 1e-4, targetParameterDimensionality: 2, preconditionFrequency: 1 };

describe('rootExecutorKindFor', () => {
  it('host float64 on cpu, wasm and tfjs-node; device float32 on webgpu and webgl; host for other names', () => {
    for (const name of ['cpu', 'wasm', 'tensorflow', 'my-backend']) expect(rootExecutorKindFor(name)).toBe('host-float64');
    for (const name of ['webgpu', 'webgl']) expect(rootExecutorKindFor(name)).toBe('device-float32');
    expect(() => rootExecutorKindFor('')).toThrow(`rootExecutorKindFor: backendName = "" is not allowed; allowed: a tfjs backend name`);
    expect(() => rootExecutorKindFor(7 as never)).toThrow('rootExecutorKindFor: backendName = 7 is not allowed');
  });

  it('is the deprecated name of rootPlacementFor, the one placement rule', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('cpu', 'wasm', 'tensorflow', 'webgpu', 'webgl'), fc.string({ minLength: 1 })), (name) => {
        expect(rootPlacementFor(name)).toBe(rootExecutorKindFor(name));
        expect(rootPlacementFor(name)).toBe(['webgpu', 'webgl'].includes(name) ? 'device-float32' : 'host-float64');
      }),
    );
    expect(() => rootPlacementFor('')).toThrow(`rootPlacementFor: backendName = "" is not allowed; allowed: a tfjs backend name`);
  });
});

describe("rootExecutor 'auto' (the default)", () => {
  it('on cpu is the host executor: the same updates, bit for bit, and not the device ones', () => {
    const gs = gradients([4, 3], 4);
    const auto = updates(base, gs);
    expect(auto).toEqual(updates({ ...base, rootExecutor: hostRootExecutor() }, gs));
    expect(auto).not.toEqual(updates({ ...base, rootExecutor: 'device-float32' }, gs));
    disposeTree(gs);
  });

  it('decides at init from tf.getBackend(): built on cpu, initialised on webgpu, it runs on the device with no readback', async () => {
    const gs = gradients([4, 3], 4);
    const executor = autoRootExecutor();
    const tx = scaleByShampoo({ ...base, rootExecutor: executor }); // constructed while the backend is cpu
    expect(executor.chosen).toBe(null);
    const { result, reads } = await onFakeGpu(() => {
      const w = tf.zeros([4, 3]);
      const { updates: out, state } = runUpdates(tx, { w }, gs);
      disposeTree([state, w]);
      return out.map((u) => u[0]);
    });
    expect(executor.chosen).toBe('device-float32');
    expect(executor.name).toBe('auto: device-float32');
    // runUpdates reads each update back once; the steps themselves read nothing.
    expect(reads).toBe(gs.length);
    const device = await onFakeGpu(() => updates({ ...base, rootExecutor: 'device-float32' }, gs));
    expect(result).toEqual(device.result);
    expect(result).not.toEqual(updates({ ...base, rootExecutor: 'host-float64' }, gs));
    disposeTree(gs);
  });

  it("is overridable: 'host-float64' on webgpu reads the factors back and gives the host roots", async () => {
    const gs = gradients([4, 3], 3);
    const { result, reads } = await onFakeGpu(() => updates({ ...base, rootExecutor: 'host-float64' }, gs));
    expect(reads).toBe(2 * gs.length); // one factor download per root step, one read per update
    expect(result).toEqual(updates(base, gs));
    disposeTree(gs);
  });

  it('re-decides at every init, and decides at the first root step if update runs before any init', () => {
    let name = 'webgpu';
    const executor = autoRootExecutor({ backendName: () => name });
    executor.prepare?.();
    expect(executor.chosen).toBe('device-float32');
    name = 'wasm';
    executor.prepare?.();
    expect(executor.chosen).toBe('host-float64');
    const lazy = autoRootExecutor({ backendName: () => 'webgl' });
    expect(lazy.collect(1)).toEqual([]);
    const factor = tf.eye(2);
    const spec: RootTaskSpec = {
      key: 'w#0/0', kind: 'inverse-root', n: 2, packed: false, biasCorrection: 1, traceScalingExponent: 0,
      exponent: 0.5, epsilon: 0, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0,
    };
    lazy.submit(1, [{ spec, factor, previous: factor }]);
    expect(lazy.chosen).toBe('device-float32');
    const [r] = lazy.collect(1);
    expect(r.status).toBe('unchecked');
    tf.dispose([factor, r.root as tf.Tensor]);
  });

  it('rejects bad choices, naming them', () => {
    expect(() => scaleByShampoo({ rootExecutor: 'gpu' as never })).toThrow(
      `scaleByShampoo: rootExecutor = "gpu" is not allowed; allowed: a RootExecutor { name, delay, kinds, submit, collect }, or 'auto', 'host-float64', 'device-float32'`,
    );
    expect(() => autoRootExecutor({ backendName: 'webgpu' as never })).toThrow('autoRootExecutor: backendName = "webgpu" is not allowed; allowed: a function () => string');
    expect(() => autoRootExecutor({ device: { maxIterations: 0 } })).toThrow('deviceRootExecutor: maxIterations = 0 is not allowed');
    expect(() => withDeviceEigen(deviceRootExecutor(), { sweeps: 0 })).toThrow('withDeviceEigen: sweeps = 0 is not allowed; allowed: an integer >= 1');
    expect(() => withDeviceEigen({ ...deviceRootExecutor(), delay: 2 })).toThrow('withDeviceEigen: device.delay = 2 is not allowed');
  });
});

describe('full eigendecompositions on the device (Jacobi)', () => {
  it('the round-robin schedule meets every pair exactly once, each round a perfect matching', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), (half) => {
      const m = 2 * half;
      const met = new Set<string>();
      for (const { partner, sigma } of roundRobinSchedule(m)) {
        for (let i = 0; i < m; i++) {
          expect(partner[partner[i]]).toBe(i);
          expect(partner[i]).not.toBe(i);
          expect(sigma[i] + sigma[partner[i]]).toBe(0);
          met.add(`${Math.min(i, partner[i])},${Math.max(i, partner[i])}`);
        }
      }
      expect(met.size).toBe((m * (m - 1)) / 2);
    }));
    expect(() => roundRobinSchedule(5)).toThrow('roundRobinSchedule: m = 5 is not allowed; allowed: an even integer >= 2');
  });

  it('finds the known spectrum of random SPD matrices (sizes 1-9 in one batch), with orthonormal vectors', () => {
    fc.assert(fc.property(fc.array(arbSpd({ minN: 1, maxN: 9, maxCond: 1e3 }), { minLength: 1, maxLength: 4 }), (ms) => {
      const a = ms.map((m) => tf.tensor2d(Float32Array.from(m.a), [m.n, m.n]));
      const q0 = ms.map((m) => tf.eye(m.n) as tf.Tensor2D);
      const solved = jacobiEigenTensors(a, q0, 12);
      ms.forEach((m, i) => {
        const values = solved[i].values.dataSync();
        const vectors = solved[i].vectors.dataSync();
        expectClose(values, m.eigenvalues, 0, 1e-6, 'eigenvalues');
        expect(eigenResidual(m.a, vectors, values, m.n)).toBeLessThan(1e-6);
        expect(orthogonalityError(vectors, m.n)).toBeLessThan(1e-6);
      });
      tf.dispose([...a, ...q0, ...solved.flatMap((s: { values: tf.Tensor; vectors: tf.Tensor }) => [s.values, s.vectors])]);
    }), { numRuns: 25 });
  });

  it('repeated eigenvalues: any basis of the cluster, and the spectral projector A = Q diag Q^T is recovered', () => {
    fc.assert(fc.property(arbClusteredSymmetric({ minN: 2, maxN: 8, maxClusters: 3 }), (m) => {
      const a = tf.tensor2d(Float32Array.from(m.a), [m.n, m.n]);
      const q0 = tf.eye(m.n) as tf.Tensor2D;
      const [{ values, vectors }] = jacobiEigenTensors([a], [q0], 10);
      const scale = Math.max(...Array.from(m.a, Math.abs));
      expect(eigenResidual(m.a, vectors.dataSync(), values.dataSync(), m.n)).toBeLessThan(1e-6 * Math.max(1, scale));
      expect(orthogonalityError(vectors.dataSync(), m.n)).toBeLessThan(1e-6);
      tf.dispose([a, q0, values, vectors]);
    }), { numRuns: 25 });
  });

  it('warm-started from the exact eigenvectors, one sweep is enough; from the identity it is not', () => {
    const n = 9;
    const m = fc.sample(arbSpd({ minN: n, maxN: n, minCond: 100, maxCond: 100 }), { numRuns: 1, seed: 4 })[0];
    const a = tf.tensor2d(Float32Array.from(m.a), [n, n]);
    const exact = tf.tensor2d(Float32Array.from(m.q), [n, n]);
    const eye = tf.eye(n) as tf.Tensor2D;
    const [warm] = jacobiEigenTensors([a], [exact], 1);
    const [cold] = jacobiEigenTensors([a], [eye], 1);
    expect(eigenResidual(m.a, warm.vectors.dataSync(), warm.values.dataSync(), n)).toBeLessThan(1e-6);
    expect(eigenResidual(m.a, cold.vectors.dataSync(), cold.values.dataSync(), n)).toBeGreaterThan(1e-3);
    tf.dispose([a, exact, eye, warm.values, warm.vectors, cold.values, cold.vectors]);
  });

  it("an 'eigen' task gives the host's perturbed eigenvalues (PSD, rank-deficient, packed, bias-corrected) with no readback", async () => {
    const n = 5;
    const g = tf.tensor2d([[1, 2, 0], [0, 1, 1], [2, 0, 1], [1, 1, 1], [0, 3, 1]]);
    const full = tf.matMul(g, g, false, true); // rank 3: two zero eigenvalues
    const { packSymmetricTensor } = await import('../src/packing.js');
    const factor = packSymmetricTensor(full, n);
    const spec: RootTaskSpec = {
      key: 'w#0/0', kind: 'eigen', n, packed: true, biasCorrection: 2, traceScalingExponent: 0,
      exponent: 0.25, epsilon: 1e-3, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0,
    };
    const host = computeRoot({ ...spec, factor: Float64Array.from(factor.dataSync()) });
    const previous = tf.eye(n);
    const { result } = await onFakeGpu(() => {
      const ex = withDeviceEigen(deviceRootExecutor());
      ex.submit(3, [{ spec, factor, previous }]);
      return ex.collect(3);
    });
    const [r] = result;
    expect(r.status).toBe('unchecked');
    expectClose(r.values!.dataSync(), host.values!, 0, 2e-5, 'eigenvalues');
    expect(orthogonalityError(r.vectors!.dataSync(), n)).toBeLessThan(3e-6);
    tf.dispose([g, full, factor, previous, r.values!, r.vectors!]);
  });

  it('a non-finite factor keeps the previous eigenvectors with eigenvalues 1 (decided on the device)', () => {
    const factor = tf.tensor2d([[Number.NaN, 0], [0, 1]]);
    const previous = tf.tensor2d([[0, 1], [1, 0]]);
    const spec: RootTaskSpec = {
      key: 'w#0/1', kind: 'eigen', n: 2, packed: false, biasCorrection: 1, traceScalingExponent: 0,
      exponent: 0.5, epsilon: 1e-6, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0,
    };
    const ex = withDeviceEigen(deviceRootExecutor());
    ex.submit(1, [{ spec, factor, previous }]);
    const [r] = ex.collect(1);
    expect(Array.from(r.values!.dataSync())).toEqual([1, 1]);
    expect(Array.from(r.vectors!.dataSync())).toEqual([0, 1, 1, 0]);
    tf.dispose([factor, previous, r.values!, r.vectors!]);
  });

  it("eigendecomposed Shampoo runs with 'device-float32' (an executor without 'eigen' tasks refuses it), close to the host, memory flat", async () => {
    const options: ShampooOptions = { ...base, preconditioner: { type: 'eigendecomposed' } };
    const withoutEigen = forwardRootExecutor(deviceRootExecutor(), { kinds: ['inverse-root', 'eigen-qr'] as const });
    expect(() => scaleByShampoo({ ...options, rootExecutor: withoutEigen })).toThrow("allowed: an executor that runs 'eigen' tasks");
    const gs = gradients([6, 4], 5);
    const host = updates(options, gs);
    const { result, reads } = await onFakeGpu(() => {
      const w = tf.zeros([6, 4]);
      const tx = scaleByShampoo({ ...options, rootExecutor: 'auto' });
      let state = tx.init({ w });
      const counts: number[] = [];
      const out: Float32Array[] = [];
      for (const g of gs) {
        const [u, next] = tx.update(g, state, { w });
        disposeTree(state);
        state = next;
        out.push((u as { w: tf.Tensor }).w.dataSync() as Float32Array);
        disposeTree(u);
        counts.push(tf.memory().numTensors);
      }
      disposeTree([state, w]);
      return { out, counts };
    });
    expect(reads).toBe(gs.length);
    expect(result.counts.every((c) => c === result.counts[0])).toBe(true);
    // float32 eigenvalues are accurate to about 1e-7 max|A|; against epsilon = 1e-4 in the
    // factors' null space (rank 4 of 6 at step 1) that moves the updates by up to 6e-5 here.
    result.out.forEach((u, t) => expectClose(u, host[t], 1e-3, 2e-4, `update ${t}`));
    disposeTree(gs);
  });
});
