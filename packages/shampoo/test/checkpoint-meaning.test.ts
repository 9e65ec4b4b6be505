/**
 * Loading a Shampoo checkpoint checks what its counters mean: Shampoo's step, a block's
 * failed root steps and a root submission's step are refused, naming the path, the value
 * and what is allowed, when they disagree with the train state's count; nothing is loaded.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, initTrainState, loadCheckpoint, saveCheckpoint, step, type Checkpoint, type GradientTransformation, type StateValue, type TensorTree, type TrainState } from '@shampoo-ts/core';
import { inlineRootExecutor, shampoo } from '@shampoo-ts/shampoo';
import { stateBytes } from './helpers.js';

const make = () =>
  shampoo({ lr: 0.05, maxPreconditionerDim: 3, preconditionFrequency: 2, rootExecutor: inlineRootExecutor({ delay: 2 }) }) as GradientTransformation<StateValue>;

function setup(): { tx: GradientTransformation<StateValue>; params: TensorTree; state: TrainState<StateValue>; ckpt: Checkpoint } {
  const tx = make();
  const params = { w: tf.tensor2d([[1, 2], [0, 1], [2, 0]]) };
  let state = initTrainState(params, tx);
  for (let t = 1; t <= 5; t++) {
    const g = { w: tf.randomNormal([3, 2], 0, 1, 'float32', t) };
    const next = step(state, g, tx);
    disposeTree([state, g]);
    state = next;
  }
  return { tx, params, state, ckpt: saveCheckpoint(state) };
}

function withValue(ckpt: Checkpoint, path: string, value: number): Checkpoint {
  expect(ckpt.values.some((v) => v.path === path), `the checkpoint has a value at '${path}'`).toBe(true);
  return { ...ckpt, values: ckpt.values.map((v) => (v.path === path ? { ...v, value } : v)) };
}

/** Both forms of loadCheckpoint throw with every pattern; no tensor is created, the state is unchanged. */
function expectRefused(ckpt: Checkpoint, s: ReturnType<typeof setup>, ...patterns: RegExp[]): void {
  const before = stateBytes(s.state);
  const count = tf.memory().numTensors;
  for (const load of [() => loadCheckpoint(ckpt, s.state), () => loadCheckpoint(ckpt, s.params, make())]) {
    let error: Error | undefined;
    try {
      load();
    } catch (e) {
      error = e as Error;
    }
    expect(error, 'expected an error').toBeInstanceOf(Error);
    for (const p of patterns) expect(error!.message).toMatch(p);
  }
  expect(tf.memory().numTensors).toBe(count);
  expect(stateBytes(s.state)).toEqual(before);
}

describe("a Shampoo checkpoint whose counters disagree with the count is refused", () => {
  it("Shampoo's step: more than the count, negative, fractional, NaN", () => {
    const s = setup();
    expectRefused(withValue(s.ckpt, 'optState/0/step', 7), s, /loadCheckpoint: the value at 'optState\/0\/step' is 7; allowed: an integer in \[0, 5\] \(a step counter; count = 5/);
    expectRefused(withValue(s.ckpt, 'optState/0/step', -1), s, /'optState\/0\/step' is -1/);
    expectRefused(withValue(s.ckpt, 'optState/0/step', 4.5), s, /'optState\/0\/step' is 4.5/);
    expectRefused(withValue(s.ckpt, 'optState/0/step', NaN), s, /'optState\/0\/step' is NaN/);
    expectRefused(withValue(s.ckpt, 'count', 4), s, /'optState\/0\/step' is 5; allowed: an integer in \[0, 4\]/);
    disposeTree([s.state, s.params]);
  });

  it("a block's failed root steps and a root submission's step", () => {
    const s = setup();
    const failures = s.ckpt.values.find((v) => v.path.endsWith('/failures'))!.path;
    expectRefused(withValue(s.ckpt, failures, -1), s, new RegExp(`the value at '${failures}' is -1; allowed: an integer in \\[0, 5\\] \\(a failure counter`));
    const inFlight = s.ckpt.values.find((v) => /inFlight\/\d+\/step$/.test(v.path))!.path;
    expectRefused(withValue(s.ckpt, inFlight, 9), s, new RegExp(`the value at '${inFlight}' is 9; allowed: an integer in \\[0, 5\\]`));
    disposeTree([s.state, s.params]);
  });

  it('the unchanged checkpoint loads, and continues as the saved state does', () => {
    const s = setup();
    const loaded = loadCheckpoint(s.ckpt, s.params, make());
    expect(stateBytes(loaded)).toEqual(stateBytes(s.state));
    disposeTree([s.state, s.params, loaded]);
  });
});
