/**
 * hostRootExecutor: float64 host roots, read synchronously or asynchronously, computed by a
 * runner, installed exactly `delay` steps late; and its old names (asyncHostRootExecutor,
 * inlineRootExecutor, runnerRootExecutor), which are the same executor.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { applyUpdates, disposeTree, type TensorTree } from '@shampoo-ts/core';
import { tensorsIn } from '@shampoo-ts/core/authoring';
import { adamGrafting } from '@shampoo-ts/grafting';
import fc from 'fast-check';
import {
  asyncHostRootExecutor, computeRoots, hostRootExecutor, inlineRootExecutor, inlineRootRunner, runnerRootExecutor, shampoo,
  type RootExecutor, type RootOutcome, type RootRunner, type RootTask,
} from '@shampoo-ts/shampoo';

const STEPS = 9;

function options(rootExecutor: RootExecutor) {
  return { lr: 0.05, betas: [0.9, 0.99] as [number, number], epsilon: 1e-6, maxPreconditionerDim: 4, preconditionFrequency: 2, grafting: adamGrafting(), rootExecutor };
}

function gradients(params: TensorTree, step: number): TensorTree {
  return tf.tidy(() => {
    const p = params as Record<string, tf.Tensor>;
    return {
      w: tf.add(tf.mul(p.w, 0.3), tf.sin(tf.mul(tf.range(0, 20).reshape([5, 4]), step))),
      b: tf.sub(p.b, tf.cos(tf.mul(tf.range(0, 3), step + 1))),
    };
  });
}

/** Trains STEPS steps; `pause`, if given, is awaited between steps (letting async reads arrive). */
async function train(executor: RootExecutor, pause?: () => Promise<void>): Promise<number[]> {
  const tx = shampoo(options(executor));
  let params: TensorTree = { w: tf.fill([5, 4], 0.2), b: tf.fill([3], -0.1) };
  let state = tx.init(params);
  for (let step = 1; step <= STEPS; step++) {
    const g = gradients(params, step);
    const [u, next] = tx.update(g, state, params);
    const p2: TensorTree = applyUpdates(params, u);
    disposeTree([g, u, state, params]);
    state = next;
    params = p2;
    if (pause) await pause();
  }
  const out = Object.values(params as Record<string, tf.Tensor>).flatMap((t) => Array.from(t.dataSync()));
  disposeTree([params, state]);
  return out;
}

const nextTask = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('asyncHostRootExecutor', () => {
  it('with an await between steps: the roots arrive asynchronously, and training equals inlineRootExecutor with the same delay, bit for bit', async () => {
    const reference = await train(inlineRootExecutor({ delay: 2 }));
    const before = tf.memory().numTensors;
    const executor = asyncHostRootExecutor({ delay: 2 });
    expect(await train(executor, nextTask)).toEqual(reference);
    expect(executor.fallbackReads).toBe(0);
    // Root steps 2, 4, 6, 8: the last one (due at step 10) is still in flight.
    expect(executor.inFlight).toBe(1);
    executor.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // And the delay matters: without it the result differs.
    expect(await train(inlineRootExecutor({ delay: 0 }))).not.toEqual(reference);
  });

  it('in a loop that never awaits: every root step is read at its collect step instead, with the same bits', async () => {
    const reference = await train(inlineRootExecutor({ delay: 1 }));
    const executor = asyncHostRootExecutor({ delay: 1 });
    expect(await train(executor)).toEqual(reference);
    expect(executor.fallbackReads).toBe(4); // root steps 2, 4, 6, 8, collected at 3, 5, 7, 9
    expect(executor.inFlight).toBe(0);
    executor.dispose();
    // Awaiting whenReady() between steps is enough for the asynchronous path.
    const waiting = asyncHostRootExecutor({ delay: 1 });
    expect(await train(waiting, () => waiting.whenReady())).toEqual(reference);
    expect(waiting.fallbackReads).toBe(0);
    waiting.dispose();
  });

  it('a compute that fails (asynchronously, then again when collected): the step throws, the state is unchanged, and the retry gives the result of a run without failure', async () => {
    let calls = 0;
    const flaky = (tasks: RootTask[]) => {
      calls++;
      if (calls <= 2) throw new Error('deliberate root failure');
      return computeRoots(tasks);
    };
    const executor = asyncHostRootExecutor({ delay: 1, compute: flaky });
    const reference = asyncHostRootExecutor({ delay: 1 });
    const txs = [shampoo(options(executor)), shampoo(options(reference))];
    const params: TensorTree = { w: tf.fill([5, 4], 0.2), b: tf.fill([3], -0.1) };
    const states = txs.map((tx) => tx.init(params));
    const run = (k: number, step: number) => {
      const g = gradients(params, step);
      const [u, next] = txs[k].update(g, states[k], params);
      disposeTree([g, states[k]]);
      states[k] = next;
      return u;
    };
    for (const step of [1, 2]) disposeTree([run(0, step), run(1, step)]);
    await nextTask(); // step 2's read arrives; the flaky compute fails on it
    expect(calls).toBe(1);
    const g3 = gradients(params, 3);
    const before = tensorsIn(states[0]).map((t) => Array.from(t.dataSync()));
    const count = tf.memory().numTensors;
    expect(() => txs[0].update(g3, states[0], params)).toThrow(/deliberate root failure/);
    expect(calls).toBe(2);
    expect(tf.memory().numTensors).toBe(count);
    expect(tensorsIn(states[0]).map((t) => Array.from(t.dataSync()))).toEqual(before);
    const u0 = run(0, 3);
    const u1 = run(1, 3);
    const values = (u: TensorTree) => Object.values(u as Record<string, tf.Tensor>).flatMap((t) => Array.from(t.dataSync()));
    expect(values(u0)).toEqual(values(u1));
    expect(calls).toBe(3);
    disposeTree([u0, u1, g3, params, states]);
    executor.dispose();
    reference.dispose();
  });

  it('rejects bad options', () => {
    expect(() => asyncHostRootExecutor({ delay: 0 })).toThrow(/asyncHostRootExecutor: delay = 0 is not allowed/);
    expect(() => asyncHostRootExecutor({ compute: 3 as never })).toThrow(/compute = 3 is not allowed; allowed: a function/);
    expect(() => asyncHostRootExecutor({ later: true } as never)).toThrow(/later/);
  });
});

/** A runner that computes inline but only when waited for, counting starts, waits and discards. */
function lazyRunner(): RootRunner<readonly RootTask[]> & { starts: number; waits: number; discards: number } {
  const counts = { starts: 0, waits: 0, discards: 0 };
  return Object.assign(counts, {
    name: 'lazy',
    start(tasks: readonly RootTask[]) {
      counts.starts++;
      return tasks;
    },
    wait(tasks: readonly RootTask[]): RootOutcome[] {
      counts.waits++;
      return computeRoots(tasks);
    },
    discard() {
      counts.discards++;
    },
  });
}

describe('hostRootExecutor: one executor for every read, runner and delay', () => {
  it('sync and async reads, the inline and any other runner, give the same training for the same delay, bit for bit (and the old names are this executor)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), async (delay) => {
        const reference = await train(hostRootExecutor({ delay }));
        const runner = lazyRunner();
        const async = hostRootExecutor({ read: 'async', delay });
        expect(await train(hostRootExecutor({ delay, runner }))).toEqual(reference);
        expect(await train(async, () => async.whenReady())).toEqual(reference);
        expect(async.fallbackReads).toBe(0);
        async.dispose();
        expect(await train(inlineRootExecutor({ delay }))).toEqual(reference);
        expect(await train(runnerRootExecutor(inlineRootRunner(), { delay }))).toEqual(reference);
        // Root steps 2, 4, 6, 8 of 9 steps: those due after step 9 are never waited for.
        expect(runner.starts).toBe(4);
        expect(runner.waits).toBe([2, 4, 6, 8].filter((s) => s + delay <= STEPS).length);
        // The delay matters: with another one the training differs.
        expect(await train(hostRootExecutor({ delay: delay - 1 }))).not.toEqual(reference);
      }),
      { numRuns: 3 },
    );
  });

  it('names itself after its runner, read and delay', () => {
    expect(hostRootExecutor().name).toBe('host-float64');
    expect(hostRootExecutor().delay).toBe(0);
    expect(hostRootExecutor({ delay: 2 }).name).toBe('host-float64-pipelined(2)');
    expect(hostRootExecutor({ read: 'async' }).name).toBe('host-float64-async(1)');
    expect(hostRootExecutor({ read: 'async' }).delay).toBe(1);
    expect(hostRootExecutor({ runner: lazyRunner(), delay: 3 }).name).toBe('lazy-pipelined(3)');
    expect(inlineRootExecutor({ delay: 1 }).name).toBe('inline-pipelined(1)');
  });

  it('a submission replaced for the same step, or never collected, is discarded on its runner', () => {
    const runner = lazyRunner();
    const executor = hostRootExecutor({ runner, delay: 1 });
    const spec = { key: 'w#0/0', kind: 'inverse-root' as const, n: 1, packed: false, biasCorrection: 1, traceScalingExponent: 0, exponent: 0.5, epsilon: 1e-6, rankDeficiency: 'perturbation' as const, method: 'eigen' as const, qrSteps: 1, tolerance: 0 };
    const factor = tf.tensor2d([[4]]);
    const previous = tf.tensor2d([[1]]);
    executor.submit(2, [{ spec, factor, previous }]);
    executor.submit(2, [{ spec, factor, previous }]); // replaces the first
    executor.submit(4, [{ spec, factor, previous }]);
    expect(runner.discards).toBe(1);
    expect(executor.collect(6)).toEqual([]); // due from step 5: step 2's and 4's are outdated
    expect(runner.discards).toBe(3);
    expect(executor.inFlight).toBe(0);
    tf.dispose([factor, previous]);
  });

  it('rejects bad options naming them, before building anything', () => {
    const before = tf.memory().numTensors;
    expect(() => hostRootExecutor({ read: 'later' as never })).toThrow(`hostRootExecutor: read = "later" is not allowed; allowed: 'sync' or 'async'`);
    expect(() => hostRootExecutor({ read: 'async', delay: 0 })).toThrow(/hostRootExecutor: delay = 0 is not allowed/);
    expect(() => hostRootExecutor({ delay: -1 })).toThrow(/hostRootExecutor: delay = -1 is not allowed/);
    expect(() => hostRootExecutor({ delay: 1.5 })).toThrow(/hostRootExecutor: delay = 1.5 is not allowed/);
    expect(() => hostRootExecutor({ runner: {} as never })).toThrow('hostRootExecutor: runner = [object Object] is not allowed; allowed: an object with start(tasks) and wait(job)');
    expect(() => hostRootExecutor({ runner: lazyRunner(), compute: computeRoots })).toThrow('hostRootExecutor: compute is not allowed together with runner');
    expect(() => hostRootExecutor({ later: true } as never)).toThrow(/later/);
    expect(() => runnerRootExecutor(undefined as never)).toThrow('runnerRootExecutor: runner = undefined is not allowed');
    expect(tf.memory().numTensors).toBe(before);
  });
});
