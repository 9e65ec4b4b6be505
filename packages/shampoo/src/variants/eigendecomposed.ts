/**
 * Eigendecomposed Shampoo: on a root step keep (lambda_i, Q_i) of A_i = F_i / bc2 (with the
 * perturbation lambda <- lambda - min(lambda_min, 0) + eps) instead of the root, and
 * precondition with X_i = Q_i diag(lambda_i^(-e_i)) Q_i^T applied as two products
 * (U^T Q) diag(.) Q^T, never formed. Initially lambda = 1, Q = I, so X = I.
 */
import * as tf from '@tensorflow/tfjs-core';
import { contractEveryDim, eigenOperator, type DimOperator } from '../kronecker.js';
import { initFactor, updateFactors } from '../factors.js';
import type { RootRequest } from '../root-executor.js';
import type { ShampooVariant, VariantSettings, VariantState } from './types.js';
import { rootSpec } from './spec.js';

type Maybe = readonly (tf.Tensor | null)[];

/** Eigendecomposed Shampoo (see the module comment). */
export function eigendecomposedVariant(settings: VariantSettings): ShampooVariant {
  return {
    name: 'eigendecomposed',
    rootKind: 'eigen',
    init(block): VariantState {
      const on = (i: number) => block.exponents[i] !== 0;
      return {
        factors: block.shape.map((n, i) => (on(i) ? initFactor(n, settings.packed) : null)),
        values: block.shape.map((n, i) => (on(i) ? tf.ones([n]) : null)),
        vectors: block.shape.map((n, i) => (on(i) ? tf.eye(n) : null)),
      };
    },
    updateStatistics(block, state, grad) {
      return { ...state, factors: updateFactors(state.factors as Maybe, grad, settings) };
    },
    rootRequests(block, state, biasCorrection): RootRequest[] {
      const out: RootRequest[] = [];
      (state.factors as Maybe).forEach((f, i) => {
        if (f !== null) out.push({ spec: rootSpec(settings, block, i, 'eigen', biasCorrection), factor: f, previous: (state.vectors as Maybe)[i] as tf.Tensor });
      });
      return out;
    },
    install(_block, state, results) {
      return {
        ...state,
        values: (state.values as Maybe).map((v, i) => results.get(i)?.values ?? v),
        vectors: (state.vectors as Maybe).map((q, i) => results.get(i)?.vectors ?? q),
      };
    },
    afterRoots: (_block, state) => state,
    precondition(block, state, direction) {
      const values = state.values as Maybe;
      const vectors = state.vectors as Maybe;
      const ops: DimOperator[] = vectors.map((q, i) =>
        q === null ? null : eigenOperator(q, tf.pow(values[i] as tf.Tensor, -block.exponents[i])),
      );
      return tf.tidy(() => contractEveryDim(direction, ops));
    },
  };
}
