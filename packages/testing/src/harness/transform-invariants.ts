/** Property test of a transform's invariants over random trees and gradient sequences. */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { disposeTree, type TensorTree } from '@shampoo-ts/core';
import { arbTreeWithGradients, type GradientOptions, type TreeOptions } from '../arbitraries/tensor-trees.js';
import { buildTensorTree } from '../trees/tensor-spec.js';
import { checkTransformCase, resolveTransform, type TransformCheckOptions, type TransformSource } from './transform-case.js';

/** Options of `checkTransformInvariants`: the case options plus the random trees, gradients and fast-check parameters. */
export interface InvariantOptions extends TransformCheckOptions {
  /** Parameter trees (see `arbTreeSpec`); default: depth <= 2, up to 3 children, dims 0..4, |values| <= 10. */
  tree?: TreeOptions;
  /** Gradient sequences; default 3 steps, |values| <= 1. */
  gradients?: GradientOptions;
  /** fast-check parameters (numRuns, seed, ...); default: fast-check's global settings. */
  fc?: fc.Parameters<[unknown]>;
}

/**
 * For random parameter trees p and gradient sequences g_1..g_k with p's structure and
 * shapes (`arbTreeWithGradients`), asserts `checkTransformCase(source, p, [g_1..g_k])`:
 * inputs never disposed or changed, updates shaped like the gradients, finite in -> finite
 * out, no shared tensors, no leaked tensors, stable state structure. A factory is called
 * once per case. Each case runs inside tf.engine().startScope()/endScope(), so a failing
 * (leaking) transform does not leave tensors behind for the next case. Throws fast-check's
 * report (seed, counterexample, the violated invariant) on failure.
 */
export function checkTransformInvariants(source: TransformSource, options: InvariantOptions = {}): void {
  if (typeof source !== 'function') resolveTransform(source);
  const arb = arbTreeWithGradients({ ...options.tree, gradients: options.gradients });
  fc.assert(
    fc.property(arb, ({ params, grads }) => {
      tf.engine().startScope();
      try {
        const p = buildTensorTree(params) as TensorTree;
        const gs = grads.map((g) => buildTensorTree(g) as TensorTree);
        try {
          checkTransformCase(source, p, gs, options);
        } finally {
          disposeTree(p);
          disposeTree(gs);
        }
      } finally {
        tf.engine().endScope();
      }
    }),
    { includeErrorInReport: true, ...options.fc } as fc.Parameters<[unknown]>,
  );
}
