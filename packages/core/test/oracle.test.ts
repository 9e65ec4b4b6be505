/**
 * Oracle equivalence: our optimizers against TensorFlow.js's own tf.train optimizers
 * (which we did not write), on the same random gradients for 50+ steps.
 *
 * sgd, momentum, Nesterov and adagrad run the same float32 ops in the same order as tfjs,
 * so the parameters agree bit for bit. adam and rmsprop agree within
 * |ours - tfjs| <= 1e-5 + 1e-5 |tfjs| elementwise: the ops differ only in float32 rounding
 * order (tfjs's Adam accumulates b^t as a float32 product where we compute 1 - b^t in
 * float64; tfjs's RMSprop multiplies by lr before dividing by the root, we after).
 * ORACLE_REPORT=1 prints the measured differences of every run.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import {
  adagrad,
  adam,
  disposeTree,
  initTrainState,
  leavesWithPaths,
  rmsprop,
  sgd,
  step,
  treeMap,
  type GradientTransformation,
  type TensorTree,
  type TrainState,
} from '@shampoo-ts/core';
import { buildTree, gradsAt, treeSpecArb } from './support/arbitraries.js';
import { maxDiff, toleranceRatio } from './support/compare.js';

const STEPS = 50;
const ATOL = 1e-5;
const RTOL = 1e-5;
let varId = 0;

/** Runs `steps` steps of our transform and of a tfjs optimizer on the same gradients; returns both final params. */
function runBoth(
  spec: Parameters<typeof buildTree>[0],
  seed: number,
  ours: GradientTransformation<any>,
  theirs: tf.Optimizer,
  steps = STEPS,
  beforeStep?: (k: number) => void,
): { ours: TensorTree; theirs: TensorTree } {
  const params = buildTree(spec, seed);
  const paths = leavesWithPaths(params).map(([p]) => p);
  const vars = new Map(leavesWithPaths(params).map(([p, t]) => [p, tf.variable(t, true, `oracle_${varId++}`)]));
  let state: TrainState = initTrainState(params, ours);
  for (let k = 0; k < steps; k++) {
    beforeStep?.(k);
    const g = gradsAt(params, seed, k);
    const next = step(state, g, ours);
    disposeTree(state);
    state = next;
    const byName: tf.NamedTensorMap = {};
    for (const [p, t] of leavesWithPaths(g)) byName[vars.get(p)!.name] = t;
    theirs.applyGradients(byName as never);
    disposeTree(g);
  }
  const theirParams = treeMap((_, path) => tf.clone(vars.get(path)!), params);
  const ourParams = state.params;
  disposeTree(state.optState);
  disposeTree(params);
  for (const v of vars.values()) v.dispose();
  theirs.dispose();
  expect(paths.length).toBeGreaterThan(0);
  return { ours: ourParams, theirs: theirParams };
}

function expectClose(r: { ours: TensorTree; theirs: TensorTree }, exact = false): void {
  try {
    if (process.env.ORACLE_REPORT) {
      const d = maxDiff(r.ours, r.theirs);
      console.log(`ORACLE ${expect.getState().currentTestName}: max |diff| ${d.abs.toExponential(2)}, max rel ${d.rel.toExponential(2)}`);
    }
    if (exact) expect(maxDiff(r.ours, r.theirs).abs).toBe(0);
    else expect(toleranceRatio(r.ours, r.theirs, ATOL, RTOL)).toBeLessThanOrEqual(1);
  } finally {
    disposeTree(r.ours);
    disposeTree(r.theirs);
  }
}

const specArb = treeSpecArb(1);
const seedArb = fc.integer({ min: 1, max: 2 ** 30 });
const lrArb = fc.double({ min: 1e-3, max: 0.1, noNaN: true });
const momentumArb = fc.double({ min: 0.1, max: 0.95, noNaN: true });
const runs = { numRuns: 4 };

describe('oracle: tf.train optimizers', () => {
  it('sgd == tf.train.sgd, bit for bit', () => {
    fc.assert(fc.property(specArb, seedArb, lrArb, (spec, seed, lr) => {
      expectClose(runBoth(spec, seed, sgd({ learningRate: lr }), tf.train.sgd(lr)), true);
    }), runs);
  });

  it('sgd with momentum == tf.train.momentum, bit for bit', () => {
    fc.assert(fc.property(specArb, seedArb, lrArb, momentumArb, (spec, seed, lr, m) => {
      expectClose(runBoth(spec, seed, sgd({ learningRate: lr, momentum: m }), tf.train.momentum(lr, m, false)), true);
    }), runs);
  });

  it('sgd with Nesterov momentum == tf.train.momentum(useNesterov = true), bit for bit', () => {
    fc.assert(fc.property(specArb, seedArb, lrArb, momentumArb, (spec, seed, lr, m) => {
      expectClose(runBoth(spec, seed, sgd({ learningRate: lr, momentum: m, nesterov: true }), tf.train.momentum(lr, m, true)), true);
    }), runs);
  });

  it('adam (eps 1e-7) == tf.train.adam', () => {
    fc.assert(fc.property(specArb, seedArb, lrArb, fc.double({ min: 0.5, max: 0.95, noNaN: true }), fc.double({ min: 0.9, max: 0.9999, noNaN: true }), (spec, seed, lr, b1, b2) => {
      expectClose(runBoth(spec, seed, adam({ learningRate: lr, b1, b2, eps: 1e-7 }), tf.train.adam(lr, b1, b2)));
    }), runs);
  });

  it('adagrad (defaults) == tf.train.adagrad (defaults: initial accumulator 0.1, eps 1e-7 inside the root), bit for bit', () => {
    fc.assert(fc.property(specArb, seedArb, lrArb, (spec, seed, lr) => {
      expectClose(runBoth(spec, seed, adagrad({ learningRate: lr }), tf.train.adagrad(lr)), true);
    }), runs);
  });

  it('adagrad with another initialAccumulatorValue == tf.train.adagrad with the same, bit for bit', () => {
    fc.assert(fc.property(specArb, seedArb, lrArb, fc.double({ min: 0, max: 1, noNaN: true }), (spec, seed, lr, a0) => {
      expectClose(runBoth(spec, seed, adagrad({ learningRate: lr, initialAccumulatorValue: a0 }), tf.train.adagrad(lr, a0)), true);
    }), runs);
  });

  it('rmsprop (eps 1e-7) == tf.train.rmsprop', () => {
    fc.assert(fc.property(specArb, seedArb, lrArb, fc.double({ min: 0.5, max: 0.99, noNaN: true }), (spec, seed, lr, decay) => {
      expectClose(runBoth(spec, seed, rmsprop({ learningRate: lr, decay, eps: 1e-7 }), tf.train.rmsprop(lr, decay, 0, 1e-7)));
    }), runs);
  });

  it('rmsprop with momentum == tf.train.rmsprop with momentum', () => {
    fc.assert(fc.property(specArb, seedArb, lrArb, fc.double({ min: 0.5, max: 0.99, noNaN: true }), momentumArb, (spec, seed, lr, decay, m) => {
      expectClose(runBoth(spec, seed, rmsprop({ learningRate: lr, decay, momentum: m, eps: 1e-7 }), tf.train.rmsprop(lr, decay, m, 1e-7)));
    }), runs);
  });

  it('a learning-rate schedule == changing tfjs learningRate between steps (momentum, rmsprop+momentum, adam)', () => {
    const schedule = (k: number) => 0.05 / (1 + 0.1 * k);
    fc.assert(fc.property(specArb, seedArb, (spec, seed) => {
      const mom = tf.train.momentum(schedule(0), 0.9, false);
      expectClose(runBoth(spec, seed, sgd({ learningRate: schedule, momentum: 0.9 }), mom, STEPS, (k) => mom.setLearningRate(schedule(k))));
      const rms = tf.train.rmsprop(schedule(0), 0.9, 0.8, 1e-7);
      expectClose(runBoth(spec, seed, rmsprop({ learningRate: schedule, momentum: 0.8, eps: 1e-7 }), rms, STEPS, (k) => {
        (rms as unknown as { learningRate: number }).learningRate = schedule(k);
      }));
      const ad = tf.train.adam(schedule(0), 0.9, 0.999);
      expectClose(runBoth(spec, seed, adam({ learningRate: schedule, eps: 1e-7 }), ad, STEPS, (k) => {
        (ad as unknown as { learningRate: number }).learningRate = schedule(k);
      }));
    }), { numRuns: 2 });
  });
});

describe('oracle: documented differences from tf.train', () => {
  it('adam: our default eps (1e-8) differs from tf.train.adam (1e-7), and eps: 1e-7 removes the difference', () => {
    const lr = 0.01;
    // Tiny gradients make eps matter: sqrt(v^) is about 1e-6.
    const params = { w: tf.tensor([0.5, -0.25, 1]) };
    const run = (tx: GradientTransformation<any>) => {
      let s: TrainState = initTrainState(params, tx);
      for (let k = 0; k < 5; k++) {
        const g = { w: tf.tensor([1e-6, -2e-6, 5e-7]) };
        const n = step(s, g, tx);
        disposeTree([s, g]);
        s = n;
      }
      return s;
    };
    const v = tf.variable(params.w, true, `oracle_${varId++}`);
    const opt = tf.train.adam(lr, 0.9, 0.999);
    for (let k = 0; k < 5; k++) {
      const g = tf.tensor([1e-6, -2e-6, 5e-7]);
      opt.applyGradients({ [v.name]: g } as never);
      g.dispose();
    }
    const a = run(adam({ learningRate: lr }));
    const b = run(adam({ learningRate: lr, eps: 1e-7 }));
    const theirs = { w: v };
    expect(maxDiff(a.params, theirs).rel).toBeGreaterThan(1e-4);
    expect(toleranceRatio(b.params, theirs, ATOL, RTOL)).toBeLessThanOrEqual(1);
    disposeTree([a, b, params]);
    v.dispose();
    opt.dispose();
  });

  it('centered rmsprop: tf.train.rmsprop(centered) divides by sqrt(nu - mu^2 - eps); ours by sqrt(nu - mu^2 + eps)', () => {
    const lr = 0.1;
    const decay = 0.9;
    const eps = 1e-3;
    const gs = [0.3, -0.1, 0.25];
    const v = tf.variable(tf.tensor([1]), true, `oracle_${varId++}`);
    const opt = tf.train.rmsprop(lr, decay, 0, eps, true);
    // The float64 reference with eps subtracted (tfjs) and added (ours, optax).
    const ref = (sign: number) => {
      let p = 1, mu = 0, nu = 0;
      for (const g of gs) {
        mu = decay * mu + (1 - decay) * g;
        nu = decay * nu + (1 - decay) * g * g;
        p -= (lr * g) / Math.sqrt(nu - mu * mu + sign * eps);
      }
      return p;
    };
    for (const g of gs) {
      const t = tf.tensor([g]);
      opt.applyGradients({ [v.name]: t } as never);
      t.dispose();
    }
    const theirs = v.dataSync()[0];
    const tx = rmsprop({ learningRate: lr, decay, eps, centered: true });
    let s: TrainState = initTrainState({ w: tf.tensor([1]) }, tx);
    for (const g of gs) {
      const gt = { w: tf.tensor([g]) };
      const n = step(s, gt, tx);
      disposeTree([s, gt]);
      s = n;
    }
    const ours = (s.params as { w: tf.Tensor }).w.dataSync()[0];
    expect(Math.abs(theirs - ref(-1))).toBeLessThan(1e-5);
    expect(Math.abs(ours - ref(+1))).toBeLessThan(1e-5);
    expect(Math.abs(ref(+1) - ref(-1))).toBeGreaterThan(1e-3);
    disposeTree(s);
    v.dispose();
    opt.dispose();
  });
});
