/**
 * A backend-agnostic conformance case: a small random regression problem, a few steps
 * of an optimizer with core's pure `step`, and the final parameters read back
 * asynchronously (`await data()`: webgpu has no cheap synchronous read). The same code
 * runs in Node and, bundled, in Chromium.
 *
 * Problem (seeded): params { dense: { kernel [6, 4], bias [4] }, embed [5, 3] }, inputs
 * X [16, 6], targets T [16, 4], loss = mean((tanh(X W + b) - T)^2) + 0.1 * mean(embed^2 * c)
 * with a fixed positive weight c [5, 3].
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeTree, initTrainState, leaves, step, unflatten, type TensorTree } from '@shampoo-ts/core';
import type { ConformanceOptimizer } from './optimizers.js';

/** Uniform values in [-1, 1) from a seed (an LCG: identical in Node and the browser). */
export function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Problem {
  params: TensorTree;
  loss: (p: { dense: { kernel: tf.Tensor; bias: tf.Tensor }; embed: tf.Tensor }) => tf.Scalar;
  data: tf.Tensor[];
}

function problem(seed: number): Problem {
  const x = tf.tensor2d(seeded(16 * 6, seed), [16, 6]);
  const t = tf.tensor2d(seeded(16 * 4, seed + 100), [16, 4]);
  const c = tf.tensor2d(seeded(15, seed + 200).map((v) => 1.5 + v), [5, 3]);
  const params = {
    dense: { kernel: tf.tensor2d(seeded(24, seed + 300), [6, 4]), bias: tf.tensor1d(seeded(4, seed + 400)) },
    embed: tf.tensor2d(seeded(15, seed + 500), [5, 3]),
  };
  const loss: Problem['loss'] = (p) => tf.tidy(() => tf.add(
    tf.mean(tf.square(tf.sub(tf.tanh(tf.add(tf.matMul(x, p.dense.kernel), p.dense.bias)), t))),
    tf.mul(0.1, tf.mean(tf.mul(tf.square(p.embed), c))),
  ) as tf.Scalar);
  return { params, loss, data: [x, t, c] };
}

/** Gradients of the loss at `params`, as a tree of the same structure. */
function gradients(pb: Problem, params: TensorTree): TensorTree {
  const flat = leaves(params);
  const g = tf.grads((...xs: tf.Tensor[]) => pb.loss(unflatten(params, xs) as never));
  return unflatten(params, g(flat)) as TensorTree;
}

/** The initial and final parameters (leaves in core's path order) after `steps` steps. */
export async function runConformanceCase(opt: ConformanceOptimizer, seed: number, steps: number): Promise<{ initial: number[][]; final: number[][] }> {
  const pb = problem(seed);
  const tx = opt.make();
  const initial = await Promise.all(leaves(pb.params).map(async (p) => Array.from(await p.data())));
  let state = initTrainState(pb.params, tx);
  for (let k = 0; k < steps; k++) {
    const grads = gradients(pb, state.params);
    const next = step(state, grads, tx);
    disposeTree(grads);
    disposeTree(state);
    state = next;
    await opt.betweenSteps?.();
  }
  const final = await Promise.all(leaves(state.params).map(async (p) => Array.from(await p.data())));
  disposeTree(state);
  disposeTree(pb.params);
  tf.dispose(pb.data);
  return { initial, final };
}

/** max |a - b| over all leaves (Infinity if the shapes differ or a value is NaN). */
export function maxAbsDifference(a: number[][], b: number[][]): number {
  return toleranceRatio(a, b, 1, 0);
}

/** Largest violation of |a - b| <= atol + rtol * |b| as a ratio (<= 1 passes), over all leaves. */
export function toleranceRatio(a: number[][], b: number[][], atol: number, rtol: number): number {
  let worst = 0;
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  a.forEach((leaf, i) => {
    if (leaf.length !== b[i].length) worst = Number.POSITIVE_INFINITY;
    leaf.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - b[i][j]) / (atol + rtol * Math.abs(b[i][j])));
    });
  });
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}
