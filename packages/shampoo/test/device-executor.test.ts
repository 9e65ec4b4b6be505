/** The on-device float32 executor: same roots as the host (within float32), no synchronous readback. */
import { describe, expect, it, afterEach } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import { deviceRootExecutor, forwardRootExecutor, hostRootExecutor, scaleByShampoo, withDeviceEigen, type RootTaskSpec, type ShampooOptions } from '@shampoo-ts/shampoo';
import { spdWithCondition } from '@shampoo-ts/testing';
import { expectClose, runUpdates } from './helpers.js';

const spec = (n: number, over: Partial<RootTaskSpec> = {}): RootTaskSpec => ({
  key: 'w#0/0', kind: 'inverse-root', n, packed: false, biasCorrection: 1, traceScalingExponent: 0,
  exponent: 0.25, epsilon: 1e-6, rankDeficiency: 'perturbation', method: 'newton', qrSteps: 1, tolerance: 0, ...over,
});

const realDataSync = tf.Tensor.prototype.dataSync;
afterEach(() => {
  tf.Tensor.prototype.dataSync = realDataSync;
});

describe('deviceRootExecutor', () => {
  it('computes inverse roots close to the float64 host roots (well-conditioned SPD), with bias correction and trace scaling', () => {
    const m = spdWithCondition({ n: 6, cond: 10, seed: 3 });
    const factor = tf.tensor2d(Array.from(m.a, (v) => v * 2), [6, 6]);
    const previous = tf.eye(6);
    for (const traceScalingExponent of [0, 0.5]) {
      const requests = [{ spec: spec(6, { biasCorrection: 2, traceScalingExponent }), factor, previous }];
      const host = hostRootExecutor();
      host.submit(1, requests);
      const [h] = host.collect(1);
      const dev = deviceRootExecutor();
      dev.submit(1, requests);
      const [d] = dev.collect(1);
      expect(d.status).toBe('unchecked');
      expectClose(d.root!.dataSync(), h.root!.dataSync(), 0, 2e-3);
      tf.dispose([h.root!, d.root!]);
    }
    tf.dispose([factor, previous]);
  });

  it('keeps the previous root when the factor is not finite (decided on the device)', () => {
    const factor = tf.tensor2d([[Number.NaN, 0], [0, 1]]);
    const previous = tf.tensor2d([[2, 0], [0, 3]]);
    const dev = deviceRootExecutor();
    dev.submit(4, [{ spec: spec(2), factor, previous }]);
    const [d] = dev.collect(4);
    expect(Array.from(d.root!.dataSync())).toEqual([2, 0, 0, 3]);
    tf.dispose([factor, previous, d.root!]);
  });

  it('runs Shampoo steps without any synchronous readback and matches the host executor within float32', () => {
    const shape = [4, 3];
    const gs = [0, 1, 2, 3].map((t) => ({ w: tf.tensor2d(Array.from({ length: 12 }, (_, i) => Math.sin(i + t * 2.1) + 0.1 * i), shape as [number, number]) }));
    const w = tf.zeros(shape);
    const options = { betas: [0, 0.99] as [number, number], epsilon: 1e-4, maxPreconditionerDim: 4 };
    const tx = scaleByShampoo({ ...options, rootExecutor: deviceRootExecutor() });
    let state = tx.init({ w });
    let reads = 0;
    tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
      reads++;
      return realDataSync.call(this);
    } as typeof realDataSync;
    const outs: tf.Tensor[] = [];
    for (const g of gs) {
      const [u, next] = tx.update(g, state, { w });
      outs.push((u as { w: tf.Tensor }).w);
      disposeTree(state);
      state = next;
    }
    expect(reads).toBe(0);
    tf.Tensor.prototype.dataSync = realDataSync;
    const host = runUpdates(scaleByShampoo({ ...options, preconditioner: { type: 'root-inverse', method: 'newton' } }), { w }, gs);
    outs.forEach((o, t) => expectClose(o.dataSync(), host.updates[t][0], 0, 5e-3));
    disposeTree([state, host.state, outs, gs, w]);
  });

  it("SOAP (warm-started QR) runs on the device too; eigh-based variants are rejected at construction by an executor without 'eigen' tasks", () => {
    const withoutEigen = forwardRootExecutor(deviceRootExecutor(), { kinds: ['inverse-root', 'eigen-qr'] as const });
    expect(() => scaleByShampoo({ preconditioner: { type: 'eigendecomposed' }, rootExecutor: withoutEigen })).toThrow(
      "scaleByShampoo: rootExecutor = \"device-float32\" is not allowed; allowed: an executor that runs 'eigen' tasks",
    );
    const w = tf.zeros([3, 3]);
    const g = { w: tf.tensor2d([[3, 0, 0], [0, 3, 0], [0, 0, 3]]) };
    const { updates, state } = runUpdates(
      scaleByShampoo({ betas: [0, 0.999], maxPreconditionerDim: 3, preconditioner: { type: 'eigenvalue-corrected', eigenbasis: 'qr' }, rootExecutor: deviceRootExecutor() }),
      { w },
      [g],
    );
    expectClose(updates[0][0], [1, 0, 0, 0, 1, 0, 0, 0, 1], 1e-5, 1e-5);
    disposeTree([state, w, g]);
  });

  it("runs full eigendecompositions itself (Jacobi on the device): eigendecomposed Shampoo gives the bits of the former withDeviceEigen wrapper, close to the host, memory flat", async () => {
    const options: ShampooOptions = { betas: [0.9, 0.999], epsilon: 1e-4, maxPreconditionerDim: 4, preconditionFrequency: 2, preconditioner: { type: 'eigendecomposed' } };
    const device = deviceRootExecutor({ eigenSweeps: 6 });
    expect(device.kinds).toEqual(expect.arrayContaining(['inverse-root', 'eigen', 'eigen-qr']));
    const w = tf.zeros([4, 3]);
    const gs = Array.from({ length: 5 }, (_, t) => tf.tidy(() => ({ w: tf.sin(tf.add(tf.mul(tf.range(0, 12), 0.7 + t), t)).reshape([4, 3]) })));
    const before = tf.memory().numTensors;
    const built = runUpdates(scaleByShampoo({ ...options, rootExecutor: device }), { w }, gs);
    disposeTree(built.state);
    await device.whenReady(); // the status codes of the last root step are kept until their read arrives
    expect(tf.memory().numTensors).toBe(before);
    const wrapped = runUpdates(scaleByShampoo({ ...options, rootExecutor: withDeviceEigen(deviceRootExecutor(), { sweeps: 6 }) }), { w }, gs);
    const host = runUpdates(scaleByShampoo({ ...options, rootExecutor: hostRootExecutor() }), { w }, gs);
    built.updates.forEach((u, t) => {
      expect(Array.from(u[0])).toEqual(Array.from(wrapped.updates[t][0]));
      expectClose(u[0], host.updates[t][0], 0, 1e-3, `step ${t + 1}`);
    });
    disposeTree([wrapped.state, host.state, gs, w]);
  });

  it('rejects bad options naming them', () => {
    expect(() => deviceRootExecutor({ maxIterations: 0 })).toThrow('deviceRootExecutor: maxIterations = 0 is not allowed; allowed: an integer >= 1');
    expect(() => deviceRootExecutor({ eigenSweeps: 0 })).toThrow('deviceRootExecutor: eigenSweeps = 0 is not allowed; allowed: an integer >= 1');
    expect(() => deviceRootExecutor({ sweeps: 3 } as never)).toThrow(/deviceRootExecutor: .*sweeps/);
  });
});
