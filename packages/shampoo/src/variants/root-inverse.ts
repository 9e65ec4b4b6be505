/**
 * Root-inverse Shampoo (the default) and KL-Shampoo.
 *
 * State per preconditioned dim i of a block: the factor F_i and the root X_i = (A_i)^(-e_i)
 * of A_i = F_i / bc2 (after optional trace scaling, with epsilon damping), X_i = I at first.
 *   statistics:   F_i <- beta2 F_i + w G_(i) G_(i)^T
 *   KL-Shampoo:   F_i <- beta2 F_i + w H_(i) H_(i)^T,  H = G contracted with X_j on every dim j != i
 *                 (the gradient already preconditioned along every other dim by the current roots)
 *   precondition: D contracted with X_0, X_1, ... (X_L^T D X_R for a matrix)
 * Installed roots are made exactly symmetric, X <- (X + X^T) / 2 (a no-op for the host's
 * eigen roots, which are mirrored; iterative and float32 roots are symmetric only up to
 * rounding), so the matrix case is computed as X_L D X_R without any transpose
 * (kronecker.ts contractSymmetric).
 * Batched (vector and matrix blocks, root-inverse statistics only): the factor updates of a
 * stack of blocks are one batched Gram product per dim, the preconditioning X_L,b D_b X_R,b
 * one batched product per side (batched/batched-kronecker.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { contractEveryDim, contractSymmetric, matrixOperator, modeGram, symmetricPart, type DimOperator } from '../kronecker.js';
import { initFactor, updateFactor, updateFactors } from '../factors.js';
import type { RootRequest, RootResult } from '../root-executor.js';
import type { BlockInfo, ShampooVariant, VariantSettings, VariantState } from './types.js';
import { rootSpec } from './spec.js';
import { batchedContractSymmetric } from '../batched/batched-kronecker.js';
import { factorStatisticsBatch, stackStateDim } from '../batched/batched-statistics.js';

type Factors = readonly (tf.Tensor | null)[];

/** Root-inverse Shampoo; `kl` switches the statistics to KL-Shampoo's. */
export function rootInverseVariant(settings: VariantSettings, kl = false): ShampooVariant {
  const rootOps = (roots: Factors, skip = -1): DimOperator[] =>
    roots.map((x, j) => (x === null || j === skip ? null : matrixOperator(x)));
  return {
    name: kl ? 'kl-shampoo' : 'root-inverse',
    rootKind: 'inverse-root',
    init(block: BlockInfo): VariantState {
      return {
        factors: block.shape.map((n, i) => (block.exponents[i] === 0 ? null : initFactor(n, settings.packed))),
        roots: block.shape.map((n, i) => (block.exponents[i] === 0 ? null : tf.eye(n))),
      };
    },
    updateStatistics(block, state, grad) {
      const factors = state.factors as Factors;
      if (!kl) return { ...state, factors: updateFactors(factors, grad, settings) };
      const roots = state.roots as Factors;
      const next = factors.map((f, i) => {
        if (f === null) return null;
        const source = contractEveryDim(grad, rootOps(roots, i));
        return updateFactor(f, modeGram(source, i), block.shape[i], settings.beta2, settings.weight, settings.packed);
      });
      return { ...state, factors: next };
    },
    rootRequests(block, state, biasCorrection): RootRequest[] {
      const factors = state.factors as Factors;
      const roots = state.roots as Factors;
      const out: RootRequest[] = [];
      factors.forEach((f, i) => {
        if (f === null) return;
        out.push({ spec: rootSpec(settings, block, i, 'inverse-root', biasCorrection), factor: f, previous: roots[i] as tf.Tensor });
      });
      return out;
    },
    install(_block, state, results: ReadonlyMap<number, RootResult>) {
      const roots = (state.roots as Factors).map((x, i) => {
        const root = results.get(i)?.root;
        return root === undefined ? x : symmetricPart(root);
      });
      return { ...state, roots };
    },
    afterRoots: (_block, state) => state,
    precondition(_block, state, direction) {
      return contractSymmetric(direction, state.roots as Factors);
    },
    batched: {
      supports: () => true,
      ...(kl ? {} : { updateStatistics: factorStatisticsBatch(settings) }),
      precondition(blocks, states, direction) {
        return tf.tidy(() => batchedContractSymmetric(direction, blocks[0].shape.map((_, i) => stackStateDim(states, 'roots', i))));
      },
    },
  };
}
