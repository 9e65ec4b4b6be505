/**
 * The two tensor contractions of Shampoo on a block G of shape [d_0, ..., d_{k-1}].
 *
 * modeGram(G, i) = G_(i) G_(i)^T, the contraction of G with itself over every dim but i
 * (G_(i) is the mode-i unfolding, d_i x prod_{j != i} d_j). For a matrix: G G^T and G^T G;
 * for a vector: the outer product g g^T.
 *
 * contractEveryDim(G, ops) contracts G with an operator over dim 0, then over the new dim 0,
 * and so on: each contraction maps the leading dim d to a trailing dim d, so after k of
 * them the dims are back in their order. With matrices X_i this is
 *   G x_0 X_0 x_1 X_1 ... (mode products with X_i^T), for a matrix X_L^T G X_R.
 * A null operator only rotates the dim (the dim is not preconditioned).
 *
 * Every product here is a plain matMul of materialized operands (no transposeA/transposeB
 * flags): tfjs-backend-wasm 4.22 runs a transposed operand through a slow loop instead of
 * XNNPACK. Measured on this machine (wasm, 784 x 512 operands, median CPU time): A B^T with
 * the flag 341 ms, A^T B with the flag 470 ms, the same products after tf.transpose 24 and
 * 16 ms, and the transpose itself 0.4 ms. The transposes cost O(size of the block), the products
 * O(size x side), so on backends without this problem the extra copy is small.
 */
import * as tf from '@tensorflow/tfjs-core';

/** G_(i) G_(i)^T for dim i of block G (a d_i x d_i float32 tensor). */
export function modeGram(g: tf.Tensor, dim: number): tf.Tensor {
  return tf.tidy(() => {
    const shape = g.shape;
    const d = shape[dim];
    if (shape.length === 1) return tf.matMul(tf.reshape(g, [d, 1]), tf.reshape(g, [1, d]));
    if (dim === shape.length - 1) {
      const u = tf.reshape(g, [-1, d]);
      return tf.matMul(tf.transpose(u), u);
    }
    const u = dim === 0 ? tf.reshape(g, [d, -1]) : tf.reshape(tf.transpose(g, [dim, ...shape.map((_, j) => j).filter((j) => j !== dim)]), [d, -1]);
    return tf.matMul(u, tf.transpose(u));
  });
}

/**
 * One contraction step: receives the unfolding U (d x rest) of the current leading dim and
 * returns rest x d (the dim moved to the end, transformed).
 */
export type DimOperator = ((u: tf.Tensor2D) => tf.Tensor2D) | null;

/**
 * U -> U^T X (X symmetric or not: the contraction over X's first index); with `transpose`,
 * U -> U^T X^T = (X U)^T.
 */
export function matrixOperator(x: tf.Tensor, transpose = false): DimOperator {
  const m = x as tf.Tensor2D;
  return transpose ? (u) => tf.transpose(tf.matMul(m, u)) : (u) => tf.matMul(tf.transpose(u), m);
}

/** U -> U^T Q diag(p) Q^T = ((U^T Q) diag(p)) Q^T, the contraction with Q diag(p) Q^T without forming it. */
export function eigenOperator(q: tf.Tensor, p: tf.Tensor): DimOperator {
  const m = q as tf.Tensor2D;
  return (u) => tf.matMul(tf.mul(tf.matMul(tf.transpose(u), m), p), tf.transpose(m));
}

/** Contracts block `g` with `ops[i]` over each dim in turn (see the module comment). */
export function contractEveryDim(g: tf.Tensor, ops: readonly DimOperator[]): tf.Tensor {
  const shape = g.shape;
  if (ops.length !== shape.length) {
    throw new RangeError(`contractEveryDim: ${ops.length} operators for a block of order ${shape.length}; allowed: one per dim`);
  }
  return tf.tidy(() => {
    let cur: tf.Tensor = g;
    for (let i = 0; i < shape.length; i++) {
      const u = tf.reshape(cur, [shape[i], -1]) as tf.Tensor2D;
      const op = ops[i];
      cur = op === null ? tf.transpose(u) : op(u);
    }
    return tf.reshape(cur, shape);
  });
}

/**
 * modeGram(G, i) for every dim i with `wanted[i]` (null elsewhere). A matrix block computes
 * G G^T and G^T G from one shared transpose G^T.
 */
export function modeGrams(g: tf.Tensor, wanted: readonly boolean[]): (tf.Tensor | null)[] {
  if (wanted.length !== g.rank) {
    throw new RangeError(`modeGrams: ${wanted.length} flags for a block of order ${g.rank}; allowed: one per dim`);
  }
  if (g.rank !== 2 || !wanted[0] || !wanted[1]) return wanted.map((w, i) => (w ? modeGram(g, i) : null));
  return tf.tidy(() => {
    const m = g as tf.Tensor2D;
    const t = tf.transpose(m);
    return [tf.matMul(m, t), tf.matMul(t, m)];
  });
}

/**
 * contractEveryDim(G, xs.map(matrixOperator)) for SYMMETRIC operators X_i (null = identity),
 * without transposes for blocks of order <= 2:
 *   vector: g^T X (the contraction over X's first index; any X),
 *   matrix: X_L G X_R, which is X_L^T G X_R because X_L = X_L^T (X_R may be any matrix).
 * Higher orders go through contractEveryDim. The roots of root-inverse Shampoo are made
 * exactly symmetric when they are installed, so this is the same contraction.
 */
export function contractSymmetric(g: tf.Tensor, xs: readonly (tf.Tensor | null)[]): tf.Tensor {
  if (xs.length !== g.rank) {
    throw new RangeError(`contractSymmetric: ${xs.length} operators for a block of order ${g.rank}; allowed: one per dim`);
  }
  if (g.rank === 0 || g.rank > 2) return contractEveryDim(g, xs.map((x) => (x === null ? null : matrixOperator(x))));
  return tf.tidy(() => {
    if (g.rank === 1) {
      const x = xs[0];
      return x === null ? tf.clone(g) : tf.reshape(tf.matMul(tf.reshape(g, [1, -1]), x as tf.Tensor2D), g.shape);
    }
    const [left, right] = xs;
    let out = g as tf.Tensor2D;
    if (left !== null) out = tf.matMul(left as tf.Tensor2D, out);
    if (right !== null) out = tf.matMul(out, right as tf.Tensor2D);
    return out === g ? tf.clone(g) : out;
  });
}

/** (X + X^T) / 2: the symmetric part of a square matrix (X itself, bit for bit, when X is symmetric: x + x = 2x). */
export function symmetricPart(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.add(x, tf.transpose(x)), 0.5));
}
