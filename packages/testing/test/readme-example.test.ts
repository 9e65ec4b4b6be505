// The example of README.md, verbatim (the last test keeps the two in sync).
import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { treeMap, treeMapN, type GradientTransformation, type TensorTree } from '@shampoo-ts/core';
import { assertEquivalentTransforms, checkTransformInvariants } from '@shampoo-ts/testing';

// Heavy-ball momentum: m <- beta m + g, u = -lr m.
function myMomentum(lr: number, beta: number): GradientTransformation<{ m: TensorTree }> {
  return {
    init: (params) => ({ m: treeMap((p) => tf.zerosLike(p), params) }),
    update: (g, { m }) => {
      const next: TensorTree = treeMapN(([mi, gi]) => tf.tidy(() => tf.add(tf.mul(mi, beta), gi)), [m, g]);
      return [treeMap((mi) => tf.mul(mi, -lr), next), { m: next }];
    },
  };
}

const sgd = (lr: number): GradientTransformation<{ count: number }> => ({
  init: () => ({ count: 0 }),
  update: (g, s) => [treeMap((x) => tf.mul(x, -lr), g), { count: s.count + 1 }],
});

describe('myMomentum', () => {
  it('keeps every transform invariant', () => {
    checkTransformInvariants(() => myMomentum(0.1, 0.9), { gradients: { steps: 4 } });
  });
  it('is SGD when beta = 0', () => {
    assertEquivalentTransforms(() => myMomentum(0.1, 0), () => sgd(0.1), { steps: 5, tol: 0 });
  });
});

import { expect } from 'vitest';

describe('README example', () => {
  it('is this file, verbatim', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    expect(block.length).toBeGreaterThan(100);
    expect(self.includes(block)).toBe(true);
  });
});
