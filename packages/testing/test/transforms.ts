/**
 * Tiny transforms written inline for the harness tests: correct ones (SGD, momentum) and
 * deliberately broken ones, each breaking exactly one invariant.
 */
import * as tf from '@tensorflow/tfjs';
import { treeMap, treeMapN, type GradientTransformation, type TensorTree } from '@shampoo-ts/core';

/** u = -lr g, stateless (the state is a step counter). */
export function sgd(lr: number): GradientTransformation<{ count: number }> {
  return {
    init: () => ({ count: 0 }),
    update: (g, state) => [treeMap((x) => tf.mul(x, -lr), g), { count: state.count + 1 }],
  };
}

/** m <- beta m + g, u = -lr m. */
export function momentum(lr: number, beta: number): GradientTransformation<{ trace: TensorTree }> {
  return {
    init: (params) => ({ trace: treeMap((p) => tf.zerosLike(p), params) }),
    update: (g, state) => {
      const trace: TensorTree = treeMapN(([m, x]) => tf.tidy(() => tf.add(tf.mul(m, beta), x)), [state.trace, g]);
      return [treeMap((m) => tf.mul(m, -lr), trace), { trace }];
    },
  };
}

/** Leaks one tensor per update. */
export function leakingSgd(lr: number): GradientTransformation<{ count: number }> {
  const base = sgd(lr);
  return { init: base.init, update: (g, s) => (tf.scalar(lr), base.update(g, s)) };
}

/** Returns every update flattened to one dimension (changes the shape of anything not 1-D). */
export function flatteningSgd(lr: number): GradientTransformation<{ count: number }> {
  return { init: () => ({ count: 0 }), update: (g, s) => [treeMap((x) => tf.tidy(() => tf.reshape(tf.mul(x, -lr), [-1])), g), { count: s.count + 1 }] };
}

/** u = -lr sqrt(g): NaN for any negative gradient entry. */
export function sqrtSgd(lr: number): GradientTransformation<{ count: number }> {
  return { init: () => ({ count: 0 }), update: (g, s) => [treeMap((x) => tf.tidy(() => tf.mul(tf.sqrt(x), -lr)), g), { count: s.count + 1 }] };
}

/** Disposes the gradients it was given. */
export function disposingSgd(lr: number): GradientTransformation<{ count: number }> {
  const base = sgd(lr);
  return {
    init: base.init,
    update: (g, s) => {
      const out = base.update(g, s);
      treeMap((x) => (x.dispose(), x), g);
      return out;
    },
  };
}

/** Increments the step counter of the state it was given, in place. */
export function mutatingSgd(lr: number): GradientTransformation<{ count: number }> {
  const base = sgd(lr);
  return {
    init: base.init,
    update: (g, s) => {
      (s as { count: number }).count += 1;
      return [base.update(g, s)[0], { count: s.count }];
    },
  };
}

/** Identity that hands back the gradient tensors themselves instead of tf.clone. */
export const aliasingIdentity: GradientTransformation<Record<string, never>> = {
  init: () => ({}),
  update: (g) => [g, {}],
};

/** Returns int32 updates. */
export function castingSgd(): GradientTransformation<{ count: number }> {
  return { init: () => ({ count: 0 }), update: (g, s) => [treeMap((x) => tf.cast(x, 'int32'), g), { count: s.count + 1 }] };
}

/** Adds a key to its state after the first step. */
export function growingStateSgd(lr: number): GradientTransformation<Record<string, number>> {
  return {
    init: () => ({ count: 0 }),
    update: (g, s) => {
      const next: Record<string, number> = { count: s.count + 1 };
      if (s.count >= 1) next.extra = 1;
      return [treeMap((x) => tf.mul(x, -lr), g), next];
    },
  };
}

/** Momentum that returns the same tensor as update and as state (the caller cannot dispose them independently). */
export function sharingMomentum(beta: number): GradientTransformation<{ trace: TensorTree }> {
  return {
    init: (params) => ({ trace: treeMap((p) => tf.zerosLike(p), params) }),
    update: (g, state) => {
      const trace: TensorTree = treeMapN(([m, x]) => tf.tidy(() => tf.add(tf.mul(m, beta), x)), [state.trace, g]);
      return [trace, { trace }];
    },
  };
}

/** Keeps a Float32Array in its state, which is not plain state data. */
export const typedArrayState: GradientTransformation<any> = {
  init: () => ({ buffer: new Float32Array(1) }),
  update: (g, s) => [treeMap((x) => tf.clone(x), g), s],
};
