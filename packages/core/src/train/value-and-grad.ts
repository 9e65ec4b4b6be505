/**
 * The loss and its gradient over a tree of parameters:
 *   valueAndGrad(L, p) = { loss: L(p), grads: dL/dp }   (grads has the structure of p)
 *
 * Built on tfjs's tape (`tf.engine().gradients`, as `tf.valueAndGrads`), so it needs the
 * gradient kernels that `@tensorflow/tfjs` registers: import it once in the application
 * (without them the error says so: missing-gradient.ts).
 * Differences from `tf.valueAndGrads`: a parameter the loss does not use gets a zero
 * gradient (not an error), and a loss function that throws or returns a non-scalar leaks
 * no tensor (tfjs leaks the tape's saved tensors when the function throws inside it).
 * Ownership: `params` is not disposed; `loss` and `grads` are new and the caller's.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leaves, unflatten, type TensorTree } from '../tree.js';
import { explainMissingGradient } from './missing-gradient.js';

/** `{ loss: L(p), grads: dL/dp }` for `L = loss` at `p = params` (see the file comment). */
export function valueAndGrad<P extends TensorTree>(loss: (params: P) => tf.Scalar, params: P): { loss: tf.Scalar; grads: P } {
  if (typeof loss !== 'function') {
    throw new TypeError(`valueAndGrad: loss is ${typeof loss}; allowed: a function (params) => scalar tensor`);
  }
  const xs = leaves(params);
  // f never throws (see above): a problem is remembered, a zero returned, and the problem
  // raised once tfjs has cleaned its tape.
  let problem: unknown;
  const f = (): tf.Tensor => {
    try {
      const value = loss(unflatten(params, xs) as unknown as P);
      if (value instanceof tf.Tensor && value.rank === 0) return value;
      problem = new TypeError(
        `valueAndGrad: the loss function returned ${value instanceof tf.Tensor ? `a tensor of shape [${value.shape.join(',')}]` : typeof value}; allowed: a scalar tensor`,
      );
    } catch (e) {
      problem = e;
    }
    return tf.scalar(0);
  };
  let result: { value: tf.Tensor; grads: tf.Tensor[] };
  try {
    result = tf.engine().gradients(f, xs, undefined, true);
  } catch (e) {
    throw explainMissingGradient(e);
  }
  const { value, grads } = result;
  if (problem !== undefined) {
    value.dispose();
    tf.dispose(grads);
    throw problem;
  }
  const full = grads.map((g, i) => g ?? tf.zerosLike(xs[i]));
  return { loss: value as tf.Scalar, grads: unflatten(params, full) as unknown as P };
}
