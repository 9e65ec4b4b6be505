/**
 * A small deterministic training problem for the executor and data-parallel tests, usable
 * from the test thread, from worker-thread ranks and from mpirun ranks alike.
 *
 * Parameters (maxPreconditionerDim 8 cuts them into 12 blocks of orders 1 to 3):
 *   dense/kernel [20,12], dense/bias [12], conv [3,3,2,4], out [17,5]. out's last row
 *   block is [1,5]: a block with a side of 1, as a dim of k * maxPreconditionerDim + 1 gives.
 * Rank r's loss at step s is sum over leaves of 0.5 a_r (tanh(W) - T_{r,s})^2, so its gradient
 *   g = a_r (tanh W - T_{r,s}) (1 - tanh^2 W)
 * depends on the parameters, the rank and the step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyUpdates, disposeTree, leavesWithPaths, type GradientTransformation, type StateValue, type TensorTree } from '@shampoo-ts/core';
import { reduceInRankOrder } from '@shampoo-ts/distributed';
import { adagradGrafting } from '@shampoo-ts/grafting';
import type { ShampooOptions } from '@shampoo-ts/shampoo';

export const SHAPES: Record<string, number[]> = {
  'dense/kernel': [20, 12],
  'dense/bias': [12],
  conv: [3, 3, 2, 4],
  out: [17, 5],
};

/** Deterministic values in (-1, 1): v[i] = sin(seed * 12.9898 + i * 78.233) mod-ish. */
function pseudo(seed: number, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
    v[i] = 2 * (x - Math.floor(x)) - 1;
  }
  return v;
}

function size(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The initial parameters (the same on every rank). */
export function initialParams(): TensorTree {
  const leaf = (path: string, k: number) => tf.tensor(pseudo(k, size(SHAPES[path])).map((x) => 0.5 * x), SHAPES[path]);
  return { dense: { kernel: leaf('dense/kernel', 1), bias: leaf('dense/bias', 2) }, conv: leaf('conv', 3), out: leaf('out', 4) };
}

/** Rank r's gradient at step s (see the module comment). */
export function rankGradient(params: TensorTree, rank: number, step: number): TensorTree {
  const paths = leavesWithPaths(params);
  const grads = new Map<string, tf.Tensor>();
  paths.forEach(([path, w], k) =>
    grads.set(
      path,
      tf.tidy(() => {
        const n = w.size;
        const a = tf.tensor(pseudo(100 + rank * 7 + k, n).map((x) => 1.5 + x), w.shape);
        const target = tf.tensor(pseudo(1000 + rank * 31 + step * 3 + k, n).map((x) => 0.8 * x), w.shape);
        const t = tf.tanh(w);
        return tf.mul(tf.mul(a, tf.sub(t, target)), tf.sub(1, tf.square(t)));
      }),
    ),
  );
  return {
    dense: { kernel: grads.get('dense/kernel')!, bias: grads.get('dense/bias')! },
    conv: grads.get('conv')!,
    out: grads.get('out')!,
  };
}

/** The gradients of ranks 0..n-1 averaged elementwise in rank order, as allReduce(mean) does. */
export function averagedGradient(params: TensorTree, ranks: number, step: number): TensorTree {
  const perRank = Array.from({ length: ranks }, (_, r) => rankGradient(params, r, step));
  const leaves = perRank.map((g) => leavesWithPaths(g));
  const out: Record<string, tf.Tensor> = {};
  leaves[0].forEach(([path, t], i) => {
    out[path] = tf.tensor(reduceInRankOrder(leaves.map((l) => l[i][1].dataSync() as Float32Array), 'mean'), t.shape);
  });
  disposeTree(perRank);
  return {
    dense: { kernel: out['dense/kernel'], bias: out['dense/bias'] },
    conv: out.conv,
    out: out.out,
  };
}

/** Shampoo settings that exercise grafting, momentum, decoupled weight decay and frequent roots. */
export function testShampooOptions(): ShampooOptions {
  return {
    lr: 0.05,
    betas: [0.9, 0.99],
    epsilon: 1e-6,
    weightDecay: 1e-3,
    maxPreconditionerDim: 8,
    preconditionFrequency: 3,
    grafting: adagradGrafting(),
    momentum: { momentum: 0.5 },
  };
}

/** Leaves as plain number arrays, keyed by path (for comparing runs bit for bit). */
export function snapshot(tree: TensorTree): Record<string, number[]> {
  return Object.fromEntries(leavesWithPaths(tree).map(([p, t]) => [p, Array.from(t.dataSync())]));
}

/**
 * Trains `steps` steps with `tx` from the initial parameters, with gradients `gradientAt`
 * (given the current parameters and the step, 1-based); returns the final parameters.
 */
export function train(
  tx: GradientTransformation<StateValue>,
  steps: number,
  gradientAt: (params: TensorTree, step: number) => TensorTree,
): Record<string, number[]> {
  let params = initialParams();
  let state = tx.init(params);
  for (let s = 1; s <= steps; s++) {
    const grads = gradientAt(params, s);
    const [updates, next] = tx.update(grads, state, params);
    const newParams = applyUpdates(params, updates);
    disposeTree([grads, updates, state, params]);
    state = next;
    params = newParams;
  }
  const out = snapshot(params);
  disposeTree([params, state]);
  return out;
}

/**
 * `tx` whose update, at the (1-based) steps in `lacking`, gets the gradient tree without its
 * top-level leaf `key` (docs/algorithms.md#missing-gradients) and answers zeros for that leaf,
 * so that `train` applies the same updates to every leaf that is present.
 */
export function withoutLeafAt(tx: GradientTransformation<StateValue>, key: string, lacking: readonly number[]): GradientTransformation<StateValue> {
  let step = 0;
  return {
    init: (params) => tx.init(params),
    update(grads, state, params) {
      step += 1;
      if (!lacking.includes(step)) return tx.update(grads, state, params);
      const all = grads as Record<string, TensorTree>;
      const rest = Object.fromEntries(Object.entries(all).filter(([k]) => k !== key));
      const [updates, next] = tx.update(rest, state, params);
      const byKey = updates as Record<string, TensorTree>;
      return [Object.fromEntries(Object.keys(all).map((k) => [k, k === key ? tf.zerosLike(all[k] as tf.Tensor) : byKey[k]])), next];
    },
  };
}
