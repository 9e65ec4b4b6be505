/**
 * kronecker.ts's contractions on a stack G of B blocks, shape [B, d_0, ...] (vectors and
 * matrices; other orders stay per block), one batched matMul per product:
 *   batchedModeGrams(G, wanted)[i][b] = G_b,(i) G_b,(i)^T
 *     vector: g_b g_b^T; matrix: G_b G_b^T (dim 0) and G_b^T G_b (dim 1), from one shared transpose;
 *   batchedContractSymmetric(G, xs)[b] = contractSymmetric(G_b, xs[.][b]) for symmetric X:
 *     vector: g_b^T X_b; matrix: X_L,b G_b X_R,b (a null operator is the identity).
 * Each batch entry is the same sum of products as the per-block form, so the results agree
 * to float32 rounding (on the cpu backend, bit for bit).
 */
import * as tf from '@tensorflow/tfjs-core';

/** True for the block orders the batched contractions handle (1 and 2). */
export function batchableOrder(order: number): boolean {
  return order === 1 || order === 2;
}

function checkOrder(what: string, g: tf.Tensor, count: number): void {
  const order = g.rank - 1;
  if (!batchableOrder(order)) throw new RangeError(`${what}: blocks of order ${order}; allowed: 1 or 2`);
  if (count !== order) throw new RangeError(`${what}: ${count} entries for blocks of order ${order}; allowed: one per dim`);
}

/** G_b,(i) G_b,(i)^T for every block b and every dim i with wanted[i] (null elsewhere): [B, d_i, d_i]. */
export function batchedModeGrams(g: tf.Tensor, wanted: readonly boolean[]): (tf.Tensor | null)[] {
  checkOrder('batchedModeGrams', g, wanted.length);
  return tf.tidy(() => {
    const b = g.shape[0];
    if (g.rank === 2) {
      const n = g.shape[1] as number;
      return [wanted[0] ? tf.matMul(tf.reshape(g, [b, n, 1]), tf.reshape(g, [b, 1, n])) : null] as unknown as tf.TensorContainer;
    }
    const m = g as tf.Tensor3D;
    const t = tf.transpose(m, [0, 2, 1]);
    return [wanted[0] ? tf.matMul(m, t) : null, wanted[1] ? tf.matMul(t, m) : null] as unknown as tf.TensorContainer;
  }) as unknown as (tf.Tensor | null)[];
}

/** contractSymmetric on every block of the stack with its own symmetric operators ([B, n, n] stacks or null). */
export function batchedContractSymmetric(g: tf.Tensor, xs: readonly (tf.Tensor | null)[]): tf.Tensor {
  checkOrder('batchedContractSymmetric', g, xs.length);
  return tf.tidy(() => {
    const b = g.shape[0];
    if (g.rank === 2) {
      const x = xs[0];
      if (x === null) return tf.clone(g);
      const n = g.shape[1] as number;
      return tf.reshape(tf.matMul(tf.reshape(g, [b, 1, n]), x as tf.Tensor3D), [b, n]);
    }
    const [left, right] = xs;
    let out = g as tf.Tensor3D;
    if (left !== null) out = tf.matMul(left as tf.Tensor3D, out);
    if (right !== null) out = tf.matMul(out, right as tf.Tensor3D);
    return out === g ? tf.clone(g) : out;
  });
}
