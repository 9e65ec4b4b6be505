/**
 * Roots in flight in the state (in-flight-roots.ts): a pipelined run computes each root
 * step once; a fresh executor recomputes only the submissions in flight, once; an executor
 * that holds another run's submission for the same step is not trusted; a state whose slots
 * do not fit the executor is refused, naming the field.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, loadCheckpoint, saveCheckpoint, step, type GradientTransformation, type StateValue, type TensorTree, type TrainState } from '@shampoo-ts/core';
import { asyncHostRootExecutor, computeRoots, inlineRootExecutor, runnerRootExecutor, shampoo, type RootRunner, type ShampooOptions } from '@shampoo-ts/shampoo';
import { stateBytes } from './helpers.js';

const options: ShampooOptions = { lr: 0.05, betas: [0.9, 0.99], maxPreconditionerDim: 3, preconditionFrequency: 2, startPreconditioningStep: 2 };

/** A pipelined optimizer (delay 2) whose runner counts the root jobs it starts. */
function counted(delay = 2): { tx: GradientTransformation<StateValue>; starts: () => number } {
  let starts = 0;
  const runner: RootRunner<ReturnType<typeof computeRoots>> = {
    name: 'counting',
    start: (tasks) => {
      starts++;
      return computeRoots(tasks);
    },
    wait: (outcomes) => outcomes,
  };
  return { tx: shampoo({ ...options, rootExecutor: runnerRootExecutor(runner, { delay }) }) as GradientTransformation<StateValue>, starts: () => starts };
}

const params = (): TensorTree => ({ w: tf.tensor2d([[1, 2, 0], [0, 1, -1], [2, 0, 1], [1, 1, 1]]), b: tf.zeros([3]) });

function gradsAt(t: number, variant = 0): TensorTree {
  return tf.tidy(() => ({ w: tf.randomNormal([4, 3], 0, 1, 'float32', 100 * t + variant), b: tf.randomNormal([3], 0, 1, 'float32', 100 * t + 50 + variant) }));
}

function advance(s: TrainState<StateValue>, tx: GradientTransformation<StateValue>, from: number, to: number, variant = 0): TrainState<StateValue> {
  for (let t = from; t <= to; t++) {
    const g = gradsAt(t, variant);
    const next = step(s, g, tx);
    disposeTree([s, g]);
    s = next;
  }
  return s;
}

describe('roots in flight', () => {
  it('an uninterrupted pipelined run starts each root job once; after loading, only the job in flight is started again', () => {
    const p = params();
    const straight = counted();
    const done = advance(initTrainState(p, straight.tx), straight.tx, 1, 8);
    // Root steps 2, 4, 6, 8: four jobs, none repeated.
    expect(straight.starts()).toBe(4);

    const first = counted();
    const midway = advance(initTrainState(p, first.tx), first.tx, 1, 5);
    const ckpt = saveCheckpoint(midway);
    disposeTree(midway);
    const fresh = counted();
    const resumed = advance(loadCheckpoint(ckpt, p, fresh.tx), fresh.tx, 6, 8);
    // Step 4's job (due at 6) again from the state, then steps 6 and 8.
    expect(fresh.starts()).toBe(3);
    expect(stateBytes(resumed)).toEqual(stateBytes(done));
    disposeTree([done, resumed, p]);
  });

  it('rolling back to a checkpoint in the same optimizer, or stepping from another run at the same step, installs the roots of its own run', () => {
    const p = params();
    const reference = counted();
    const want = advance(initTrainState(p, reference.tx), reference.tx, 1, 8);

    // One optimizer, two runs: at step 4 (a root step) the second run's job replaces the
    // first's in the executor, which then must not be used for the first run at step 6.
    const { tx } = counted();
    const s3 = advance(initTrainState(p, tx), tx, 1, 3);
    const g4 = gradsAt(4);
    const s4 = step(s3, g4, tx);
    const other4 = step(s3, gradsAt(4, 1), tx);
    disposeTree([s3, g4]);
    const ckpt = saveCheckpoint(s4);
    const got = advance(s4, tx, 5, 8);
    expect(stateBytes(got)).toEqual(stateBytes(want));
    // The other run, and a rollback to step 4 after both went on, in the same optimizer.
    const otherDone = advance(other4, tx, 5, 8, 1);
    const rolledBack = advance(loadCheckpoint(ckpt, p, tx), tx, 5, 8);
    expect(stateBytes(rolledBack)).toEqual(stateBytes(want));
    expect(stateBytes(otherDone)).not.toEqual(stateBytes(want));
    disposeTree([want, got, otherDone, rolledBack, p]);
  });

  it('after loading, every submission in flight is made again at the first step, so an async executor reads all but the due one asynchronously', async () => {
    const every = { ...options, preconditionFrequency: 1, startPreconditioningStep: 1 };
    const p = params();
    const reference = shampoo({ ...every, rootExecutor: inlineRootExecutor({ delay: 2 }) }) as GradientTransformation<StateValue>;
    const want = advance(initTrainState(p, reference), reference, 1, 8);
    const first = shampoo({ ...every, rootExecutor: inlineRootExecutor({ delay: 2 }) }) as GradientTransformation<StateValue>;
    const midway = advance(initTrainState(p, first), first, 1, 5);
    const ckpt = saveCheckpoint(midway);
    disposeTree(midway);
    // Steps 4 and 5 are in flight. At step 6, step 4's roots are due at once (read synchronously);
    // step 5's are submitted then too, and arrive while the loop awaits.
    const executor = asyncHostRootExecutor({ delay: 2 });
    const tx = shampoo({ ...every, rootExecutor: executor }) as GradientTransformation<StateValue>;
    let s = loadCheckpoint(ckpt, p, tx);
    for (let t = 6; t <= 8; t++) {
      s = advance(s, tx, t, t);
      await executor.whenReady();
    }
    expect(executor.fallbackReads).toBe(1);
    expect(stateBytes(s)).toEqual(stateBytes(want));
    executor.dispose();
    disposeTree([want, s, p]);
  });

  it('tf.memory().numTensors stays flat over 300 pipelined steps', () => {
    const p = params();
    const { tx } = counted(3);
    let s = advance(initTrainState(p, tx), tx, 1, 10);
    const before = tf.memory().numTensors;
    s = advance(s, tx, 11, 310);
    expect(tf.memory().numTensors).toBe(before);
    disposeTree([s, p]);
  });

  it('refuses a state whose slots do not fit the executor, naming the field, and changes nothing', () => {
    const p = params();
    const { tx } = counted();
    const s = advance(initTrainState(p, tx), tx, 1, 3);
    const [shampooState] = s.optState as [{ step: number; blocks: Record<string, { inFlight: Array<{ step: number }> }> }];
    const key = Object.keys(shampooState.blocks)[0];
    const g = gradsAt(4);
    const plain = shampoo(options) as GradientTransformation<StateValue>;
    const unpiped = initTrainState(p, plain);
    const before = stateBytes(s);
    const count = tf.memory().numTensors;
    const withSlot = (slot: unknown) => ({ ...s, optState: [{ ...shampooState, blocks: { ...shampooState.blocks, [key]: { ...shampooState.blocks[key], inFlight: slot } } }, (s.optState as unknown[])[1]] });
    const slots = shampooState.blocks[key].inFlight;
    // Step 2's submission sits in slot 0; a step of 7 there is in the future of a state at step 3.
    expect(() => step(withSlot([{ ...slots[0], step: 7 }, slots[1]]) as TrainState<StateValue>, g, tx)).toThrow(
      `scaleByShampoo: state.blocks['${key}'].inFlight[0].step = 7 is not allowed; allowed: 0, or a step s with 1 < s <= 3 (the state's step) and s mod 2 = 0`,
    );
    expect(() => step(withSlot([slots[0]]) as TrainState<StateValue>, g, tx)).toThrow(
      `scaleByShampoo: state.blocks['${key}'].inFlight = "1 slots" is not allowed; allowed: 2 slots, one per step of the root executor's delay`,
    );
    // Blocks that disagree on what is in flight (step 2's submission covers every block).
    const other = Object.keys(shampooState.blocks)[1];
    const disagreeing = { ...s, optState: [{ ...shampooState, blocks: { ...shampooState.blocks, [other]: { ...shampooState.blocks[other], inFlight: [{ ...shampooState.blocks[other].inFlight[0], step: 0 }, shampooState.blocks[other].inFlight[1]] } } }, (s.optState as unknown[])[1]] };
    expect(() => step(disagreeing as TrainState<StateValue>, g, tx)).toThrow(
      `scaleByShampoo: state.blocks['${other}'].inFlight[0].step = 0 is not allowed; allowed: 2, as in block '${key}' (one root submission covers every block)`,
    );
    // A state built without a pipelined executor.
    expect(() => step(unpiped, g, tx)).toThrow(/inFlight = undefined is not allowed; allowed: 2 slots/);
    expect(tf.memory().numTensors).toBe(count);
    expect(stateBytes(s)).toEqual(before);
    disposeTree([s, g, p, unpiped]);
  });
});
