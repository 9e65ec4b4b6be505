import fc from 'fast-check';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeTree, initTrainState, leavesWithPaths, loadCheckpoint, saveCheckpoint, stateLeavesWithPaths, step, type StateValue, type TrainState } from '@shampoo-ts/core';
import { computeRoots, hostRootExecutor, shampoo, type RootExecutor, type RootRequest, type RootTask } from '@shampoo-ts/shampoo';
import { inlineRootExecutor, rootWorkerPool, runnerRootExecutor, workerPoolRootExecutor, type RootRunner } from '@shampoo-ts/distributed';
import { initialParams, rankGradient, testShampooOptions, train } from './support/training.js';

const faulty = new URL('./fixtures/faulty-compute.ts', import.meta.url).href;
const pool = rootWorkerPool({ workers: 2 });
afterAll(() => pool.close());

/** A random SPD matrix as a task of the given kind (packed upper triangle for inverse roots). */
function spdTask(key: string, n: number, seed: number, kind: RootTask['kind']): RootTask {
  const g = Array.from({ length: n * (n + 2) }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
  const full = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 0.1 : 0;
    for (let k = 0; k < n + 2; k++) s += g[i * (n + 2) + k] * g[j * (n + 2) + k];
    full[i * n + j] = s;
  }
  const packed = new Float64Array((n * (n + 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) packed[p++] = full[i * n + j];
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  return {
    key, kind, n, packed: kind === 'inverse-root', biasCorrection: 0.5, traceScalingExponent: 0, exponent: 0.25,
    epsilon: 1e-10, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0,
    factor: kind === 'inverse-root' ? packed : full,
    ...(kind === 'eigen-qr' ? { previousVectors: identity } : {}),
  };
}

describe('rootWorkerPool', () => {
  it('computes, on workers, exactly the outcomes of computeRoots inline', () => {
    pool.ready();
    const kinds: RootTask['kind'][] = ['inverse-root', 'eigen', 'eigen-qr'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 2 }), fc.integer()), { maxLength: 9 }), (specs) => {
        const tasks = specs.map(([n, k, seed], i) => spdTask(`p#${i}/0`, n, seed, kinds[k]));
        const onWorkers = pool.run(tasks);
        const inline = computeRoots(tasks.map((t) => ({ ...t, factor: t.factor.slice() })));
        expect(onWorkers).toEqual(inline);
      }),
      { numRuns: 15 },
    );
  });

  it('keeps several jobs in flight and returns each its own outcomes', () => {
    const jobs = [0, 1, 2].map((j) => [spdTask(`a${j}`, 10 + j, j, 'inverse-root'), spdTask(`b${j}`, 5, 10 + j, 'eigen')]);
    const handles = jobs.map((tasks) => pool.start(tasks));
    const results = handles.reverse().map((h) => pool.wait(h)).reverse();
    results.forEach((outcomes, j) => expect(outcomes).toEqual(computeRoots(jobs[j])));
    expect(() => pool.wait(handles[0])).toThrow(/unknown or was already waited for/);
  });
});

describe('workerPoolRootExecutor in a Shampoo step', () => {
  const gradients = (params: Parameters<typeof rankGradient>[0], s: number) => rankGradient(params, 0, s);

  it('synchronous mode equals the inline hostRootExecutor bit for bit, without leaking tensors', () => {
    const reference = train(shampoo({ ...testShampooOptions(), rootExecutor: hostRootExecutor() }), 12, gradients);
    const before = tf.memory().numTensors;
    const onPool = train(shampoo({ ...testShampooOptions(), rootExecutor: workerPoolRootExecutor(pool) }), 12, gradients);
    expect(tf.memory().numTensors).toBe(before);
    expect(onPool).toEqual(reference);
  });

  it('pipelined mode (delay 2) equals the inline executor with the same delay, and the delay is real', () => {
    const inline = train(shampoo({ ...testShampooOptions(), rootExecutor: inlineRootExecutor({ delay: 2 }) }), 12, gradients);
    const onPool = train(shampoo({ ...testShampooOptions(), rootExecutor: workerPoolRootExecutor(pool, { delay: 2 }) }), 12, gradients);
    expect(onPool).toEqual(inline);
    const synchronous = train(shampoo({ ...testShampooOptions(), rootExecutor: inlineRootExecutor() }), 12, gradients);
    expect(synchronous).not.toEqual(inline);
    // delay 0 through the generic runner is the host executor exactly.
    expect(synchronous).toEqual(train(shampoo({ ...testShampooOptions(), rootExecutor: hostRootExecutor() }), 12, gradients));
  });

  it('pipelined on the pool, saved with roots in flight and loaded into a fresh optimizer: the bits of the uninterrupted run', () => {
    const make = () => shampoo({ ...testShampooOptions(), rootExecutor: workerPoolRootExecutor(pool, { delay: 2 }) });
    const reference = shampoo({ ...testShampooOptions(), rootExecutor: inlineRootExecutor({ delay: 2 }) });
    const run = (tx: ReturnType<typeof make>, state: TrainState<StateValue>, from: number, to: number) => {
      for (let t = from; t <= to; t++) {
        const g = gradients(state.params, t);
        const next = step(state, g, tx);
        disposeTree([state, g]);
        state = next;
      }
      return state;
    };
    const params = initialParams();
    const want = run(reference, initTrainState(params, reference), 1, 12);
    // Root steps every 3: after step 6, step 6's roots (due at 8) are in flight.
    const first = make();
    const midway = run(first, initTrainState(params, first), 1, 6);
    const checkpoint = saveCheckpoint(midway);
    disposeTree(midway);
    const second = make();
    const resumed = run(second, loadCheckpoint(checkpoint, params, second), 7, 12);
    // Every parameter and every state value, bit for bit (Float32Array equality compares exact values).
    const values = (s: TrainState<StateValue>) => stateLeavesWithPaths(s).map(([p, v]) => [p, v instanceof tf.Tensor ? v.dataSync() : v]);
    expect(values(resumed)).toEqual(values(want));
    disposeTree([want, resumed, params]);
  });

  it('installs the roots of the factors read at step t at exactly step t + d', () => {
    const log: string[] = [];
    const runner: RootRunner<number> = {
      name: 'spy',
      start: (tasks) => (log.push(`start ${tasks.length}`), tasks.length),
      wait: (n) => (log.push(`wait ${n}`), []),
    };
    const exec: RootExecutor = runnerRootExecutor(runner, { delay: 3 });
    const request = (n: number): RootRequest[] =>
      Array.from({ length: n }, (_, i) => ({
        spec: { ...spdTask(`k${i}`, 2, i, 'eigen'), factor: undefined } as unknown as RootRequest['spec'],
        factor: tf.eye(2),
        previous: tf.eye(2),
      }));
    const due: Record<number, number> = {};
    for (let step = 1; step <= 12; step++) {
      if (step % 4 === 1) {
        const reqs = request(step);
        exec.submit(step, reqs);
        reqs.forEach((r) => tf.dispose([r.factor, r.previous]));
      }
      log.push(`collect ${step}`);
      exec.collect(step);
      const waited = log.at(-1)!.startsWith('wait') ? Number(log.at(-1)!.split(' ')[1]) : undefined;
      if (waited !== undefined) due[step] = waited;
    }
    // submitted at steps 1, 5, 9 with 1, 5, 9 tasks: waited for at 4, 8, 12.
    expect(due).toEqual({ 4: 1, 8: 5, 12: 9 });
    expect(exec.name).toBe('spy-pipelined(3)');
  });
});

describe('worker failures', () => {
  const bad = rootWorkerPool({ workers: 2, timeoutMs: 1500, compute: { module: faulty, exportName: 'faultyComputeRoots' } });
  afterAll(() => bad.close());
  const good = () => [spdTask('fine#0/0', 6, 1, 'inverse-root'), spdTask('fine#1/0', 4, 2, 'eigen')];

  it('a task that throws, a worker that exits and a worker that hangs each give a clear error, and the pool goes on', () => {
    bad.ready();
    expect(bad.run(good())).toEqual(computeRoots(good()));

    expect(() => bad.run([spdTask('throw#0/0', 3, 1, 'eigen')])).toThrow(/the compute function threw on worker \d: Error: deliberate failure on task throw#0\/0/);
    expect(bad.run(good())).toEqual(computeRoots(good()));

    // A worker that dies on every attempt: replaced and retried once (the default), then the job fails.
    expect(() => bad.run([spdTask('exit#0/0', 3, 1, 'eigen'), spdTask('fine#0/0', 3, 1, 'eigen')])).toThrow(
      /job \d+ \(2 task\(s\): exit#0\/0, fine#0\/0\) failed: worker \d died \(its thread exited\), also after 1 retry on a fresh worker/,
    );
    expect(bad.run(good())).toEqual(computeRoots(good()));
    bad.ready();

    const started = performance.now();
    expect(() => bad.run([spdTask('hang#0/0', 3, 1, 'eigen')])).toThrow(/timed out after timeoutMs = 1500 ms; worker\(s\) \d were terminated .* 1 task\(s\) unfinished: hang#0\/0/);
    expect(performance.now() - started).toBeLessThan(5000);
    bad.ready();
    expect(bad.run(good())).toEqual(computeRoots(good()));
  });

  it('a worker that crashes is replaced and its part retried: the job gives the undisturbed outcomes, within the configured bound', () => {
    const timeoutMs = 3000;
    const startupTimeoutMs = 20_000;
    const retrying = rootWorkerPool({ workers: 2, timeoutMs, startupTimeoutMs, compute: { module: faulty, exportName: 'faultyComputeRoots' } });
    let once: ReturnType<typeof rootWorkerPool> | undefined;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'shampoo-pool-crash-'));
      const tasks = (marker: string) => [spdTask(`crashonce@${join(dir, marker)}#0/0`, 7, 3, 'inverse-root'), ...good()];
      retrying.ready();
      const started = performance.now();
      const outcomes = retrying.run(tasks('a'));
      // One worker died (it left its marker) and its replacement computed the same outcomes.
      expect(existsSync(join(dir, 'a'))).toBe(true);
      expect(outcomes).toEqual(computeRoots(tasks('a')));
      expect(performance.now() - started).toBeLessThan(timeoutMs + startupTimeoutMs);
      expect(retrying.run(good())).toEqual(computeRoots(good()));

      // With retries: 0 the same crash fails the job at once, naming the worker; the next job runs.
      const noRetry = (once = rootWorkerPool({ workers: 2, timeoutMs, startupTimeoutMs, retries: 0, compute: { module: faulty, exportName: 'faultyComputeRoots' } }));
      noRetry.ready();
      const t0 = performance.now();
      expect(() => noRetry.run(tasks('b'))).toThrow(/job \d+ \(3 task\(s\): crashonce@.*#0\/0, fine#0\/0, fine#1\/0\) failed: worker \d died \(its thread exited\)$/);
      expect(performance.now() - t0).toBeLessThan(timeoutMs);
      expect(noRetry.run(tasks('b'))).toEqual(computeRoots(tasks('b')));
      expect(() => rootWorkerPool({ retries: -1 })).toThrow(/retries = -1 is not allowed/);
    } finally {
      void retrying.close();
      void once?.close();
    }
  }, 60_000);

  it('a failing root step leaves the optimizer state unchanged and a retry gives the undisturbed result', () => {
    // Paths under 'flaky' make the first root job on each worker throw.
    const params = { flaky: initialParams() };
    const gradAt = (s: number) => ({ flaky: rankGradient(params.flaky, 0, s) });
    const values = (x: unknown) => stateLeavesWithPaths(x).map(([p, v]) => [p, v instanceof tf.Tensor ? Array.from(v.dataSync()) : v]);
    const run = (tx: ReturnType<typeof shampoo>, failAtRootStep: boolean) => {
      let state = tx.init(params);
      let last: number[][] = [];
      for (let s = 1; s <= 4; s++) {
        const g = gradAt(s);
        if (s === 3 && failAtRootStep) {
          // Step 3 is the first root step (preconditionFrequency 3).
          const before = values(state);
          const tensors = tf.memory().numTensors;
          expect(() => tx.update(g, state, params)).toThrow(/failed: the compute function threw on worker \d: Error: deliberate failure on the first flaky call/);
          expect(tf.memory().numTensors).toBe(tensors);
          expect(values(state)).toEqual(before);
        }
        const [u, next] = tx.update(g, state, params);
        last = leavesWithPaths(u).map(([, t]) => Array.from(t.dataSync()));
        disposeTree([g, u, state]);
        state = next;
      }
      disposeTree(state);
      return last;
    };
    const retried = run(shampoo({ ...testShampooOptions(), rootExecutor: workerPoolRootExecutor(bad) }), true);
    const reference = run(shampoo({ ...testShampooOptions(), rootExecutor: hostRootExecutor() }), false);
    expect(retried).toEqual(reference);
    disposeTree(params);
  });

  it('after close every call throws', async () => {
    const p = rootWorkerPool({ workers: 1 });
    await p.close();
    expect(() => p.run([])).toThrow(/start after close\(\)/);
    expect(() => rootWorkerPool({ workers: 0 })).toThrow(/workers = 0 is not allowed/);
  });
});
