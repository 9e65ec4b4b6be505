/** Step-by-step equivalence of two transforms: the oracle test. */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { disposeTree, treeMapN, type TensorTree } from '@shampoo-ts/core';
import { arbTreeWithGradients, type TreeOptions } from '../arbitraries/tensor-trees.js';
import { buildTensorTree } from '../trees/tensor-spec.js';
import { expectTreesClose, type Tolerance } from '../tensors/compare.js';
import { resolveTransform, type TransformSource } from './transform-case.js';

/** Options of `assertEquivalentTransforms`: the tolerance |a − b| ≤ atol + rtol |b|, the steps and the random trees. */
export interface EquivalenceOptions {
  /** Tolerance of each comparison (`tensorsClose`); default rtol 1e-5, atol 1e-6. A number sets both. */
  tol?: Tolerance | number;
  /** Pass the (evolving) parameters to `update`; default true. */
  passParams?: boolean;
  /** Also compare the parameters after p <- p + u at every step; default true. */
  compareParams?: boolean;
  /** Names of the two transforms in messages; default ['A', 'B']. */
  names?: [string, string];
}

/**
 * Runs both transforms on the same parameters and gradients g_1..g_k, each with its own
 * parameter trajectory p_{t+1} = p_t + u_t, and throws at the first step where the updates
 * (or, with compareParams, the parameters) differ beyond `tol`, naming the step and the path.
 * Everything the transforms return is disposed here; params and grads stay the caller's.
 */
export function assertEquivalentOnCase(
  a: TransformSource,
  b: TransformSource,
  params: TensorTree,
  grads: readonly TensorTree[],
  options: EquivalenceOptions = {},
): void {
  const { tol = { rtol: 1e-5, atol: 1e-6 }, passParams = true, compareParams = true, names = ['A', 'B'] } = options;
  const txs = [resolveTransform(a), resolveTransform(b)];
  const owned: unknown[] = [];
  try {
    const states: unknown[] = txs.map((tx) => tx.init(params));
    owned.push(...states);
    let ps: TensorTree[] = [params, params];
    grads.forEach((g, step) => {
      const outs = txs.map((tx, k) => tx.update(g, states[k] as never, passParams ? ps[k] : undefined));
      owned.push(...outs.flat());
      try {
        expectTreesClose(outs[0][0], outs[1][0], tol);
      } catch (e) {
        throw new Error(`step ${step + 1}: updates of ${names[0]} and ${names[1]} differ: ${(e as Error).message}`);
      }
      const next = outs.map(([u], k) => treeMapN(([p, x]) => tf.add(p, x), [ps[k], u]) as TensorTree);
      owned.push(...next);
      if (compareParams) {
        try {
          expectTreesClose(next[0], next[1], tol);
        } catch (e) {
          throw new Error(`step ${step + 1}: parameters of ${names[0]} and ${names[1]} differ: ${(e as Error).message}`);
        }
      }
      outs.forEach(([u], k) => {
        disposeTree(u);
        disposeTree(states[k]);
        states[k] = outs[k][1];
        if (ps[k] !== params) disposeTree(ps[k]);
      });
      ps = next;
    });
  } finally {
    for (const x of owned) if (x !== params) disposeTree(x);
  }
}

/**
 * Property version of `assertEquivalentOnCase` over random trees and `steps` random
 * gradients (default 10): two transforms that should compute the same thing, e.g. a recipe
 * and its hand-written equivalent, or our optimizer and a reference implementation.
 */
export function assertEquivalentTransforms(
  a: TransformSource,
  b: TransformSource,
  options: EquivalenceOptions & { steps?: number; tree?: TreeOptions; maxGradAbs?: number; fc?: fc.Parameters<[unknown]> } = {},
): void {
  const { steps = 10, maxGradAbs = 1 } = options;
  const arb = arbTreeWithGradients({ ...options.tree, gradients: { steps, maxAbs: maxGradAbs } });
  fc.assert(
    fc.property(arb, ({ params, grads }) => {
      tf.engine().startScope();
      try {
        const p = buildTensorTree(params) as TensorTree;
        const gs = grads.map((g) => buildTensorTree(g) as TensorTree);
        assertEquivalentOnCase(a, b, p, gs, options);
      } finally {
        tf.engine().endScope();
      }
    }),
    { includeErrorInReport: true, ...options.fc } as fc.Parameters<[unknown]>,
  );
}
