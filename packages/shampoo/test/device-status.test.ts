/**
 * The device executors report statuses under the host executor's contract (root-results.ts):
 * the same situation gives the same status, one step late (device-status.ts), and the
 * transform counts and throws on them as it does for the host.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree } from '@shampoo-ts/core';
import {
  autoRootExecutor,
  computeRoot,
  deviceRootExecutor,
  hostRootExecutor,
  scaleByShampoo,
  withDeviceEigen,
  type RootRequest,
  type RootResult,
  type RootTaskSpec,
  type ShampooState,
} from '@shampoo-ts/shampoo';
import { spdWithCondition } from '@shampoo-ts/testing';
import { expectClose, inverseRootSpec } from './helpers.js';

const spec = (n: number, over: Partial<RootTaskSpec> = {}): RootTaskSpec => inverseRootSpec(n, { epsilon: 1e-6, method: 'newton', ...over });

const release = (results: readonly RootResult[]) =>
  tf.dispose(results.flatMap((r) => [r.root, r.values, r.vectors]).filter((t): t is tf.Tensor => t !== undefined));

/** The host's status and the device's (reported at the next step) for one request. */
async function statuses(request: RootRequest, device = deviceRootExecutor()) {
  const host = computeRoot({ ...request.spec, factor: Float64Array.from(request.factor.dataSync()) }).status;
  device.submit(1, [request]);
  const now = device.collect(1);
  await device.whenReady();
  const later = device.collect(2);
  const out = { host, now: now.map((r) => r.status), later: later.map((r) => ({ key: r.key, status: r.status, message: r.message, tensors: [r.root, r.values, r.vectors].filter(Boolean).length })) };
  release([...now, ...later]);
  return out;
}

describe('device statuses match the host contract', () => {
  it('NaN in the factor: non-finite-factor (inverse root, QR eigenbasis, Jacobi eigen), the previous root kept on the device', async () => {
    const factor = tf.tensor2d([[Number.NaN, 0], [0, 1]]);
    const previous = tf.eye(2);
    for (const kind of ['inverse-root', 'eigen-qr', 'eigen'] as const) {
      const s = await statuses({ spec: spec(2, { kind }), factor, previous }, withDeviceEigen(deviceRootExecutor()));
      expect(s.host).toBe('non-finite-factor');
      expect(s.now).toEqual(['unchecked']);
      expect(s.later).toEqual([{ key: 'w#0/0', status: 'non-finite-factor', message: "factor 'w#0/0' contains NaN or Inf (root step 1, reported at step 2)", tensors: 0 }]);
    }
    tf.dispose([factor, previous]);
  });

  it('a zero factor with epsilon 0 under Newton: non-finite-root on both', async () => {
    const factor = tf.zeros([3, 3]);
    const previous = tf.eye(3);
    const s = await statuses({ spec: spec(3, { epsilon: 0 }), factor, previous });
    expect(s.host).toBe('non-finite-root');
    expect(s.later.map((r) => r.status)).toEqual(['non-finite-root']);
    tf.dispose([factor, previous]);
  });

  it('well-conditioned SPD factors (cond 1..1e3): ok on both; a residual above residualTolerance is failed', async () => {
    for (const cond of [1, 10, 1e3]) {
      const m = spdWithCondition({ n: 5, cond, seed: 7 });
      const factor = tf.tensor2d(Array.from(m.a), [5, 5]);
      const previous = tf.eye(5);
      const s = await statuses({ spec: spec(5), factor, previous });
      expect(s.host).toBe('ok');
      expect(s.later.map((r) => r.status)).toEqual(['ok']);
      const strict = await statuses({ spec: spec(5), factor, previous }, deviceRootExecutor({ residualTolerance: 1e-30 }));
      expect(strict.later.map((r) => r.status)).toEqual(['failed']);
      tf.dispose([factor, previous]);
    }
  });

  it('trace scaling clamps the trace at epsilon on the device as on the host', () => {
    const factor = tf.tensor2d([[1e-8, 0], [0, 2e-8]]);
    const previous = tf.eye(2);
    const request = { spec: spec(2, { traceScalingExponent: 0.5, epsilon: 1e-4 }), factor, previous };
    const host = hostRootExecutor();
    host.submit(1, [request]);
    const [h] = host.collect(1);
    const dev = deviceRootExecutor();
    dev.submit(1, [request]);
    const [d] = dev.collect(1);
    expectClose(d.root!.dataSync(), h.root!.dataSync(), 1e-3, 0);
    release([h, d]);
    tf.dispose([factor, previous]);
  });
});

describe('in the transform: failures counted and thrown as with the host, one step late', () => {
  const run = async (lateStatus: 'defer' | 'read', awaitBetween: boolean, steps: number) => {
    const warnings: string[] = [];
    const executor = deviceRootExecutor({ residualTolerance: 1e-30, lateStatus });
    const tx = scaleByShampoo({ betas: [0, 1], epsilon: 1e-4, maxPreconditionerDim: 3, rootExecutor: executor, onWarning: (m) => warnings.push(m) });
    const w = tf.zeros([3, 2]);
    const g = tf.tensor2d([[1, 2], [3, -1], [0.5, 2]]);
    let state = tx.init({ w });
    const failures: number[] = [];
    let error: Error | null = null;
    for (let t = 1; t <= steps; t++) {
      try {
        const [u, next] = tx.update({ w: g }, state, { w });
        disposeTree([u, state]);
        state = next;
        failures.push((state as ShampooState).blocks['w#0'].failures);
      } catch (e) {
        error = e as Error;
        break;
      }
      if (awaitBetween) await executor.whenReady();
    }
    await executor.whenReady();
    disposeTree([state, w, g]);
    return { failures, error, warnings, fallbackReads: executor.fallbackReads };
  };

  it('awaiting whenReady between steps: counter 0, 1, 2, 3, then the throw at the 4th reported failure', async () => {
    const r = await run('defer', true, 6);
    expect(r.failures).toEqual([0, 1, 2, 3]);
    expect(r.error?.message).toMatch(/failed on 4 consecutive root steps \(step 5\); allowed: at most numToleratedFailedAmortizedComputations = 3/);
    expect(r.warnings[0]).toMatch(/the device solver did not reach its residual tolerance for 'w#0\/0'; the previous root was kept \(root step 1, reported at step 2\)/);
    expect(r.fallbackReads).toBe(0);
  });

  it('a NaN gradient: the host throws at that step, the device at the next one, naming non-finite-factor; the throw changes nothing and leaks nothing', async () => {
    const options = { betas: [0, 1] as [number, number], epsilon: 1e-4, maxPreconditionerDim: 3, preconditioner: { type: 'root-inverse' as const, method: 'newton' as const } };
    const w = tf.zeros([3, 2]);
    const good = tf.tensor2d([[1, 2], [3, -1], [0.5, 2]]);
    const bad = tf.tensor2d([[1, Number.NaN], [3, -1], [0.5, 2]]);
    const host = scaleByShampoo({ ...options, rootExecutor: hostRootExecutor() });
    let hs = host.init({ w });
    const [hu, hn] = host.update({ w: good }, hs, { w });
    disposeTree([hu, hs]);
    hs = hn;
    expect(() => host.update({ w: bad }, hs, { w })).toThrow(/contains NaN or Inf at step 2/);
    const executor = deviceRootExecutor();
    const device = scaleByShampoo({ ...options, rootExecutor: executor });
    let ds = device.init({ w });
    for (const g of [good, bad]) {
      const [u, next] = device.update({ w: g }, ds, { w });
      disposeTree([u, ds]);
      ds = next;
      await executor.whenReady();
    }
    const before = tf.memory().numTensors;
    expect(() => device.update({ w: good }, ds, { w })).toThrow(/factor 'w#0\/0' contains NaN or Inf \(root step 2, reported at step 3\) at step 3/);
    await executor.whenReady(); // the status codes of step 3 are kept until their read settles
    expect(tf.memory().numTensors).toBe(before);
    // the state is unchanged: running step 3 again throws again, as on the host
    expect(() => host.update({ w: bad }, hs, { w })).toThrow(/contains NaN or Inf at step 2/);
    expect(() => device.update({ w: good }, ds, { w })).toThrow(/root step 2, reported at step 3\) at step 3/);
    await executor.whenReady();
    expect(tf.memory().numTensors).toBe(before);
    disposeTree([hs, ds, w, good, bad]);
  });

  it("rootExecutor 'auto' on a GPU backend exposes the device's whenReady, so model.fit-style loops can await it", async () => {
    const executor = autoRootExecutor({ backendName: () => 'webgpu', device: { residualTolerance: 1e-30 } });
    const tx = scaleByShampoo({ betas: [0, 1], epsilon: 1e-4, maxPreconditionerDim: 3, rootExecutor: executor, onWarning: () => undefined });
    const w = tf.zeros([3, 2]);
    const g = tf.tensor2d([[1, 2], [3, -1], [0.5, 2]]);
    let state = tx.init({ w });
    expect(executor.chosen).toBe('device-float32');
    const failures: number[] = [];
    for (let t = 0; t < 3; t++) {
      const [u, next] = tx.update({ w: g }, state, { w });
      disposeTree([u, state]);
      state = next;
      failures.push((state as ShampooState).blocks['w#0'].failures);
      await executor.whenReady();
    }
    expect(failures).toEqual([0, 1, 2]);
    disposeTree([state, w, g]);
  });

  it("lateStatus 'read' gives the same counts in a synchronous loop, with fallback reads", async () => {
    const r = await run('read', false, 6);
    expect(r.failures).toEqual([0, 1, 2, 3]);
    expect(r.error?.message).toMatch(/failed on 4 consecutive root steps \(step 5\)/);
    expect(r.fallbackReads).toBeGreaterThan(0);
  });

  it("'defer' in a synchronous loop reads nothing synchronously; the queued statuses arrive in order once the loop yields", async () => {
    const warnings: string[] = [];
    const executor = deviceRootExecutor({ residualTolerance: 1e-30 });
    const tx = scaleByShampoo({ betas: [0, 1], epsilon: 1e-4, maxPreconditionerDim: 3, rootExecutor: executor, onWarning: (m) => warnings.push(m) });
    const w = tf.zeros([3, 2]);
    const g = tf.tensor2d([[1, 2], [3, -1], [0.5, 2]]);
    let state = tx.init({ w });
    const counts: number[] = [];
    const step = () => {
      const [u, next] = tx.update({ w: g }, state, { w });
      disposeTree([u, state]);
      state = next;
      counts.push(tf.memory().numTensors);
      return (state as ShampooState).blocks['w#0'].failures;
    };
    expect([step(), step(), step()]).toEqual([0, 0, 0]); // nothing has arrived yet
    expect(new Set(counts.slice(1)).size).toBe(1); // one queued code tensor, not one per step
    await executor.whenReady();
    expect(step()).toBe(3); // steps 1, 2 and 3, in order
    expect(executor.fallbackReads).toBe(0);
    await executor.whenReady();
    disposeTree([state, w, g]);
  });
});
