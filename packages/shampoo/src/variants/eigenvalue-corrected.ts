/**
 * Eigenvalue-corrected Shampoo (and SOAP with the warm-started QR basis): Adam in the
 * eigenbasis of the Shampoo factors.
 *   root step:     Q_i <- eigenvectors of F_i ('eigen': full symmetric eigendecomposition;
 *                  'eigen-qr': one warm-started QR step from the previous Q_i = SOAP)
 *   every step:    G~ = G contracted with Q_0, Q_1, ... (Q_L^T G Q_R),  E <- beta2 E + w G~^2
 *                  (with this step's basis, after the refresh)
 *   precondition:  D~ = D rotated in,  D~ / ((E / bc2)^p + eps)  (p = 1/2, eps outside the root),
 *                  rotated back (Q_L D~ Q_R^T).
 * p = inverseExponentOverride[order] where given (the reference's per-order override of the
 * correction exponent), else correctionExponent (1/2 by default). The dims listed in
 * ignoredBasisChangeDims[order] keep no factor and are not
 * rotated. The root step's refresh follows eigen-task.ts (including the tolerance that keeps
 * a basis which still diagonalises the factor). Q = I and E = 0 at first, so before the
 * first root step this is exactly Adam.
 */
import * as tf from '@tensorflow/tfjs-core';
import { contractEveryDim, matrixOperator, type DimOperator } from '../kronecker.js';
import { initFactor, updateFactors } from '../factors.js';
import type { RootRequest } from '../root-executor.js';
import type { ShampooVariant, VariantSettings, VariantState } from './types.js';
import { rootSpec } from './spec.js';
import { batchedContractEveryDim, batchedMatrixOperator, type BatchedDimOperator } from '../batched/batched-kronecker.js';
import { factorStatisticsBatch, stackStateDim } from '../batched/batched-statistics.js';
import { stackBlocks } from '../batched/stacking.js';

type Maybe = readonly (tf.Tensor | null)[];

/** Options of the eigenvalue-corrected variant. */
export interface EigenvalueCorrectedOptions {
  /** 'eigh': full eigendecomposition; 'qr': warm-started QR steps (SOAP). */
  readonly eigenbasis: 'eigh' | 'qr';
  readonly qrSteps: number;
  /** Keep / stop at the previous basis within this relative off-diagonal error, in [0, 1] (eigen-task.ts). */
  readonly tolerance: number;
  /** p in (E / bc2)^p, for orders without an entry in exponentOverride. */
  readonly correctionExponent: number;
  /** p per tensor order (a validated inverseExponentOverride: one number > 0 per order). Default {}. */
  readonly exponentOverride?: Readonly<Record<number, unknown>>;
  /** Dims kept out of the basis change, per tensor order. Default {}. */
  readonly ignoredBasisChangeDims?: Readonly<Record<number, readonly number[]>>;
}

/** The correction exponent p of a block of this order. */
export function correctionExponentOf(order: number, options: Pick<EigenvalueCorrectedOptions, 'correctionExponent' | 'exponentOverride'>): number {
  const o = options.exponentOverride?.[order];
  return typeof o === 'number' ? o : options.correctionExponent;
}

/** Eigenvalue-corrected Shampoo / SOAP (see the module comment). */
export function eigenvalueCorrectedVariant(settings: VariantSettings, options: EigenvalueCorrectedOptions): ShampooVariant {
  const kind = options.eigenbasis === 'qr' ? 'eigen-qr' : 'eigen';
  const rotate = (x: tf.Tensor, vectors: Maybe, back: boolean): tf.Tensor =>
    contractEveryDim(x, vectors.map((q): DimOperator => (q === null ? null : matrixOperator(q, back))));
  return {
    name: options.eigenbasis === 'qr' ? 'soap' : 'eigenvalue-corrected',
    rootKind: kind,
    init(block): VariantState {
      const ignored = options.ignoredBasisChangeDims?.[block.shape.length] ?? [];
      const on = (i: number) => block.exponents[i] !== 0 && !ignored.includes(i);
      return {
        factors: block.shape.map((n, i) => (on(i) ? initFactor(n, settings.packed) : null)),
        vectors: block.shape.map((n, i) => (on(i) ? tf.eye(n) : null)),
        corrected: tf.zeros([...block.shape]),
      };
    },
    updateStatistics(block, state, grad) {
      return { ...state, factors: updateFactors(state.factors as Maybe, grad, settings) };
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
    install(_block, state, results) {
      return { ...state, vectors: (state.vectors as Maybe).map((q, i) => results.get(i)?.vectors ?? q) };
    },
    afterRoots(_block, state, grad) {
      const corrected = tf.tidy(() => {
        const g2 = tf.square(rotate(grad, state.vectors as Maybe, false));
        const e = state.corrected as tf.Tensor;
        const w = settings.weight === 1 ? g2 : tf.mul(g2, settings.weight);
        return settings.beta2 === 1 ? tf.add(e, w) : tf.add(tf.mul(e, settings.beta2), w);
      });
      return { ...state, corrected };
    },
    precondition(block, state, direction, biasCorrection) {
      const vectors = state.vectors as Maybe;
      const p = correctionExponentOf(block.shape.length, options);
      return tf.tidy(() => {
        const inBasis = rotate(direction, vectors, false);
        const e = state.corrected as tf.Tensor;
        const scaled = biasCorrection === 1 ? e : tf.div(e, biasCorrection);
        const root = p === 0.5 ? tf.sqrt(scaled) : tf.pow(scaled, p);
        return rotate(tf.div(inBasis, tf.add(root, settings.epsilon)), vectors, true);
      });
    },
    batched: {
      supports: () => true,
      updateStatistics: factorStatisticsBatch(settings),
      precondition(blocks, states, direction, biasCorrection) {
        const p = correctionExponentOf(blocks[0].shape.length, options);
        return tf.tidy(() => {
          const vectors = blocks[0].shape.map((_, j) => stackStateDim(states, 'vectors', j));
          const rotateBatch = (x: tf.Tensor, back: boolean) =>
            batchedContractEveryDim(x, vectors.map((q): BatchedDimOperator => (q === null ? null : batchedMatrixOperator(q, back))));
          const inBasis = rotateBatch(direction, false);
          const e = stackBlocks(states.map((s) => s.corrected as tf.Tensor));
          const scaled = biasCorrection === 1 ? e : tf.div(e, biasCorrection);
          const root = p === 0.5 ? tf.sqrt(scaled) : tf.pow(scaled, p);
          return rotateBatch(tf.div(inBasis, tf.add(root, settings.epsilon)), true);
        });
      },
    },
  };
}
