/**
 * kronecker.ts's contractions on a stack G of B blocks, shape [B, d_0, ...], one batched
 * matMul per product (the same products as per block, in the same order):
 *   batchedModeGrams(G, wanted)[i][b] = G_b,(i) G_b,(i)^T
 *     vector: g_b g_b^T; matrix: G_b G_b^T (dim 0) and G_b^T G_b (dim 1), from one shared transpose;
 *   batchedContractSymmetric(G, xs)[b] = contractSymmetric(G_b, xs[.][b]) for symmetric X:
 *     vector: g_b^T X_b; matrix: X_L,b G_b X_R,b (a null operator is the identity).
 * Each batch entry is the same sum of products as the per-block form, so the results agree
 * to float32 rounding (on the cpu backend, bit for bit).
 */
import * as tf from '@tensorflow/tfjs-core';
import { shareTensor, tidyState } from '@shampoo-ts/core/authoring';

/** True for the block orders batchedContractSymmetric handles without batchedContractEveryDim (1 and 2). */
function batchableOrder(order: number): boolean {
  return order === 1 || order === 2;
}

function checkOrder(what: string, g: tf.Tensor, count: number): void {
  const order = g.rank - 1;
  if (!batchableOrder(order)) throw new RangeError(`${what}: blocks of order ${order}; allowed: 1 or 2`);
  if (count !== order) throw new RangeError(`${what}: ${count} entries for blocks of order ${order}; allowed: one per dim`);
}

/** kronecker.ts modeGram(G_b, dim) for every block b of the stack: [B, d, d], the same products. */
function batchedModeGram(g: tf.Tensor, dim: number): tf.Tensor {
  const [b, ...shape] = g.shape;
  const d = shape[dim];
  if (shape.length === 1) return tf.matMul(shareTensor(g, [b, d, 1]), shareTensor(g, [b, 1, d]));
  if (dim === shape.length - 1) {
    const u = shareTensor(g, [b, -1, d]) as tf.Tensor3D;
    return tf.matMul(tf.transpose(u, [0, 2, 1]), u);
  }
  const moved = dim === 0 ? g : tf.transpose(g, [0, dim + 1, ...shape.map((_, j) => j + 1).filter((j) => j !== dim + 1)]);
  const u = shareTensor(moved, [b, d, -1]) as tf.Tensor3D;
  return tf.matMul(u, tf.transpose(u, [0, 2, 1]));
}

/**
 * G_b,(i) G_b,(i)^T for every block b and every dim i with wanted[i] (null elsewhere):
 * [B, d_i, d_i], blocks of any order; matrices share one transpose (kronecker.ts modeGrams).
 */
export function batchedModeGrams(g: tf.Tensor, wanted: readonly boolean[]): (tf.Tensor | null)[] {
  if (wanted.length !== g.rank - 1) {
    throw new RangeError(`batchedModeGrams: ${wanted.length} flags for blocks of order ${g.rank - 1}; allowed: one per dim`);
  }
  return tidyState((): (tf.Tensor | null)[] => {
    if (g.rank !== 3 || !wanted[0] || !wanted[1]) return wanted.map((w, i) => (w ? batchedModeGram(g, i) : null));
    const m = g as tf.Tensor3D;
    const t = tf.transpose(m, [0, 2, 1]);
    return [tf.matMul(m, t), tf.matMul(t, m)];
  });
}

/**
 * contractSymmetric on every block of the stack with its own symmetric operators ([B, n, n]
 * stacks or null); orders above 2 through batchedContractEveryDim, as contractSymmetric does.
 */
export function batchedContractSymmetric(g: tf.Tensor, xs: readonly (tf.Tensor | null)[]): tf.Tensor {
  if (g.rank > 3 && xs.length === g.rank - 1) return batchedContractEveryDim(g, xs.map((x) => (x === null ? null : batchedMatrixOperator(x))));
  checkOrder('batchedContractSymmetric', g, xs.length);
  return tf.tidy(() => {
    const b = g.shape[0];
    if (g.rank === 2) {
      const x = xs[0];
      if (x === null) return tf.clone(g);
      const n = g.shape[1] as number;
      return shareTensor(tf.matMul(shareTensor(g, [b, 1, n]), x as tf.Tensor3D), [b, n]);
    }
    const [left, right] = xs;
    let out = g as tf.Tensor3D;
    if (left !== null) out = tf.matMul(left as tf.Tensor3D, out);
    if (right !== null) out = tf.matMul(out, right as tf.Tensor3D);
    return out === g ? tf.clone(g) : out;
  });
}

/**
 * One contraction step on a stack: receives the unfoldings U_b (d x rest) of the current
 * leading dim as [B, d, rest] and returns [B, rest, d] (kronecker.ts DimOperator, per block).
 */
export type BatchedDimOperator = ((u: tf.Tensor3D) => tf.Tensor3D) | null;

/** U_b -> U_b^T X_b; with `transpose`, U_b -> (X_b U_b)^T (kronecker.ts matrixOperator on a [B, d, d] stack). */
export function batchedMatrixOperator(x: tf.Tensor, transpose = false): BatchedDimOperator {
  const m = x as tf.Tensor3D;
  return transpose ? (u) => tf.transpose(tf.matMul(m, u), [0, 2, 1]) : (u) => tf.matMul(tf.transpose(u, [0, 2, 1]), m);
}

/** U_b -> ((U_b^T Q_b) diag(p_b)) Q_b^T (kronecker.ts eigenOperator; q: [B, d, d], p: [B, d]). */
export function batchedEigenOperator(q: tf.Tensor, p: tf.Tensor): BatchedDimOperator {
  const m = q as tf.Tensor3D;
  const [b, d] = p.shape as [number, number];
  return (u) => tf.matMul(tf.mul(tf.matMul(tf.transpose(u, [0, 2, 1]), m), shareTensor(p, [b, 1, d])), tf.transpose(m, [0, 2, 1]));
}

/**
 * contractEveryDim on every block of a [B, d_0, ...] stack (any order): dim i's operator
 * maps the leading dim to a trailing one, so after every dim the order is restored; a null
 * operator only rotates the dim. The same products as kronecker.ts per block.
 */
export function batchedContractEveryDim(g: tf.Tensor, ops: readonly BatchedDimOperator[]): tf.Tensor {
  const [b, ...shape] = g.shape;
  if (ops.length !== shape.length) {
    throw new RangeError(`batchedContractEveryDim: ${ops.length} operators for blocks of order ${shape.length}; allowed: one per dim`);
  }
  return tf.tidy(() => {
    let cur: tf.Tensor = g;
    for (let i = 0; i < shape.length; i++) {
      const u = shareTensor(cur, [b, shape[i], -1]) as tf.Tensor3D;
      const op = ops[i];
      cur = op === null ? tf.transpose(u, [0, 2, 1]) : op(u);
    }
    return shareTensor(cur, g.shape);
  });
}
