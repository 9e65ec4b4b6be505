/**
 * Eigendecomposed Shampoo and eigendecomposed KL-Shampoo: on a root step keep (lambda_i, Q_i)
 * of A_i = F_i / bc2 instead of the root (eigen-task.ts: the full eigendecomposition, or
 * warm-started QR steps, optionally skipped by the tolerance; lambda perturbed, or kept as
 * computed for the pseudo-inverse), and precondition with X_i = Q_i diag(f(lambda_i)) Q_i^T
 * (eigen-powers.ts, f = lambda^(-e_i) or its pseudo-inverse), applied as two products
 * (U^T Q) diag(.) Q^T, never formed. Initially lambda = 1, Q = I, so X = I.
 *   statistics:     F_i <- beta2 F_i + w G_(i) G_(i)^T
 *   KL-Shampoo:     F_i <- beta2 F_i + w H_(i) H_(i)^T,  H = G contracted with X_j on every
 *                   dim j != i (the reference's EigendecomposedKLShampooPreconditionerList)
 */
import * as tf from '@tensorflow/tfjs-core';
import { tidyState } from '@shampoo-ts/core/authoring';
import { contractEveryDim, eigenOperator, modeGram, type DimOperator } from '../kronecker.js';
import { initFactor, updateFactor, updateFactors } from '../factors.js';
import type { RootRequest } from '../executors/root-executor.js';
import type { BlockInfo, ShampooVariant, VariantSettings, VariantState } from './types.js';
import { rootSpec } from './spec.js';
import { batchedContractEveryDim, batchedEigenOperator } from '../batched/batched-kronecker.js';
import { factorStatisticsBatch, stackStateDim } from '../batched/batched-statistics.js';
import { stackBlocks } from '../batched/stacking.js';
import { inverseEigenPowers, type RankHandling } from './eigen-powers.js';

type Maybe = readonly (tf.Tensor | null)[];

/** Options of the eigendecomposed variants. */
export interface EigendecomposedOptions {
  readonly eigenbasis: 'eigh' | 'qr';
  readonly qrSteps: number;
  readonly tolerance: number;
  /** KL-Shampoo's statistics. */
  readonly kl: boolean;
  readonly rank: RankHandling;
}

const DEFAULTS: EigendecomposedOptions = { eigenbasis: 'eigh', qrSteps: 1, tolerance: 0, kl: false, rank: { pseudoInverse: false, rtol: null, atol: 0 } };

/** Eigendecomposed (KL-)Shampoo (see the module comment). */
export function eigendecomposedVariant(settings: VariantSettings, options: EigendecomposedOptions = DEFAULTS): ShampooVariant {
  const kind = options.eigenbasis === 'qr' ? 'eigen-qr' : 'eigen';
  /** The operators X_j of every dim (null where not preconditioned, or at `skip`). */
  const rootOps = (block: BlockInfo, state: VariantState, skip = -1): DimOperator[] => {
    const values = state.values as Maybe;
    return (state.vectors as Maybe).map((q, j) =>
      q === null || j === skip ? null : eigenOperator(q, inverseEigenPowers(values[j] as tf.Tensor, block.exponents[j], options.rank)),
    );
  };
  return {
    name: options.kl ? 'eigendecomposed-kl-shampoo' : 'eigendecomposed',
    rootKind: kind,
    init(block): VariantState {
      const on = (i: number) => block.exponents[i] !== 0;
      return {
        factors: block.shape.map((n, i) => (on(i) ? initFactor(n, settings.packed) : null)),
        values: block.shape.map((n, i) => (on(i) ? tf.ones([n]) : null)),
        vectors: block.shape.map((n, i) => (on(i) ? tf.eye(n) : null)),
      };
    },
    updateStatistics(block, state, grad) {
      const factors = state.factors as Maybe;
      if (!options.kl) return { ...state, factors: updateFactors(factors, grad, settings) };
      const next = tidyState(() =>
        factors.map((f, i) => {
          if (f === null) return null;
          const source = contractEveryDim(grad, rootOps(block, state, i));
          return updateFactor(f, modeGram(source, i), block.shape[i], settings.beta2, settings.weight, settings.packed);
        }),
      );
      return { ...state, factors: next };
    },
    rootRequests(block, state, biasCorrection): RootRequest[] {
      const out: RootRequest[] = [];
      (state.factors as Maybe).forEach((f, i) => {
        if (f === null) return;
        out.push({
          spec: rootSpec(settings, block, i, kind, biasCorrection, { steps: options.qrSteps, tolerance: options.tolerance }),
          factor: f,
          previous: (state.vectors as Maybe)[i] as tf.Tensor,
        });
      });
      return out;
    },
    install(block, state, results) {
      for (const [dim, r] of results) {
        if (r.vectors !== undefined && r.values === undefined) {
          throw new Error(
            `scaleByShampoo: the root executor returned eigenvectors without eigenvalues for block '${block.key}' dim ${dim}; ` +
              `allowed for preconditioner ${options.kl ? 'eigendecomposed-kl-shampoo' : 'eigendecomposed'}: an executor that returns both (the host executors)`,
          );
        }
      }
      return {
        ...state,
        values: (state.values as Maybe).map((v, i) => results.get(i)?.values ?? v),
        vectors: (state.vectors as Maybe).map((q, i) => results.get(i)?.vectors ?? q),
      };
    },
    afterRoots: (_block, state) => state,
    precondition(block, state, direction) {
      return tf.tidy(() => contractEveryDim(direction, rootOps(block, state)));
    },
    batched: {
      supports: () => true,
      ...(options.kl ? {} : { updateStatistics: factorStatisticsBatch(settings) }),
      precondition(blocks, states, direction) {
        return tf.tidy(() => {
          const ops = blocks[0].shape.map((_, j) => {
            const q = stackStateDim(states, 'vectors', j);
            if (q === null) return null;
            const powers = stackBlocks(states.map((s) => inverseEigenPowers((s.values as Maybe)[j] as tf.Tensor, blocks[0].exponents[j], options.rank)));
            return batchedEigenOperator(q, powers);
          });
          return batchedContractEveryDim(direction, ops);
        });
      },
    },
  };
}
