/**
 * shareTensor (share-tensor.ts): y = x or y = reshape(x, shape) as a new handle on x's data,
 * without a kernel. Checked as the identity / reshape it claims to be: same values (bit for
 * bit), same dataId, a distinct tensor object, zero kernels (tf.profile), each handle
 * disposable alone, nothing left once both are gone; the tape fallback keeps gradients; a
 * shape of the wrong size is refused with the parameter, the value and what is allowed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { cloneState, ownTensors, shareTensor } from '@shampoo-ts/core/authoring';
import { values } from './support/arbitraries.js';
import { expectThrowsNoLeak } from './support/leaks.js';

const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 0, maxLength: 4 });
const seedArb = fc.integer({ min: 1, max: 2 ** 30 });

/** Kernels launched by fn (tf.profile) and its result. */
async function kernelsOf<T extends tf.TensorContainer>(fn: () => T): Promise<{ kernels: number; out: T }> {
  let out: T | undefined;
  const info = await tf.profile(() => {
    out = fn();
    return out;
  });
  return { kernels: info.kernels.length, out: out as T };
}

/** A shape with x's elements: x's dims reversed and then merged in pairs (row-major relabelling). */
function otherShape(shape: readonly number[]): number[] {
  const r = [...shape].reverse();
  const out: number[] = [];
  for (let i = 0; i < r.length; i += 2) out.push(r[i] * (r[i + 1] ?? 1));
  return out;
}

describe('shareTensor', () => {
  it('is the identity (or reshape) as a new handle on the same data, without a kernel; each handle lives on alone', async () => {
    await fc.assert(
      fc.asyncProperty(shapeArb, seedArb, fc.boolean(), async (shape, seed, reshape) => {
        const before = tf.memory();
        const x = tf.tensor(values(shape.reduce((p, n) => p * n, 1), seed), shape);
        const expected = x.dataSync().slice();
        const target = reshape ? otherShape(shape) : undefined;
        const { kernels, out: y } = await kernelsOf(() => shareTensor(x, target));
        expect(kernels).toBe(0);
        expect(y).not.toBe(x);
        expect(y.dataId).toBe(x.dataId);
        expect(y.shape).toEqual(target ?? shape);
        expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers + 1);
        x.dispose();
        expect(Array.from(y.dataSync())).toEqual(Array.from(expected));
        y.dispose();
        expect(tf.memory().numTensors).toBe(before.numTensors);
        expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
      }),
    );
  });

  it('infers one -1 dim as tf.reshape does', () => {
    const x = tf.range(0, 24).reshape([2, 3, 4]);
    const y = shareTensor(x, [-1, 6]);
    expect(y.shape).toEqual([4, 6]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(tf.reshape(x, [4, 6]).dataSync()));
    tf.dispose([x, y]);
  });

  it('inside tf.tidy: a returned handle survives, the others are disposed with the scope', () => {
    const x = tf.ones([3, 2]);
    const before = tf.memory().numTensors;
    const kept = tf.tidy(() => {
      shareTensor(x);
      return shareTensor(x, [6]);
    });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Array.from(kept.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    tf.dispose([x, kept]);
  });

  it('records on a gradient tape (falls back to tf.clone / tf.reshape there): d/dx sum(c * share(x)) = c', () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    const c = tf.tensor2d([[1, -2], [3, 0.5]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(c, shareTensor(v, [2, 2]))))(x);
    expect(Array.from(g.dataSync())).toEqual([1, -2, 3, 0.5]);
    const g2 = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.reshape(c, [4]), shareTensor(v))))(x);
    expect(Array.from(g2.dataSync())).toEqual([1, -2, 3, 0.5]);
    tf.dispose([x, c, g, g2]);
  });

  it('refuses a shape of another size, naming the shape and the allowed size, and changes nothing', () => {
    const x = tf.zeros([2, 3]);
    expectThrowsNoLeak(() => shareTensor(x, [4, 2]), /shareTensor/, /shape = \[4,2\]/, /allowed: a shape of 6 elements/);
    expect(x.isDisposed).toBe(false);
    x.dispose();
    expect(() => shareTensor(x)).toThrow(/shareTensor: x = a disposed tensor .* allowed: a live tensor/);
  });

  it('is what ownTensors and cloneState use: no kernel for the handles they make, values kept', async () => {
    const a = tf.tensor1d([1, 2]);
    const b = tf.tensor2d([[3]]);
    const state = { a, nested: [b, 4], again: a };
    const { kernels: k1, out: owned } = await kernelsOf(() => ownTensors({ ...state }, [b]) as unknown as tf.TensorContainer);
    const { kernels: k2, out: cloned } = await kernelsOf(() => cloneState(state) as unknown as tf.TensorContainer);
    expect([k1, k2]).toEqual([0, 0]);
    const o = owned as unknown as typeof state;
    expect(o.a).toBe(a);
    expect(o.again).not.toBe(a);
    expect(o.nested[0]).not.toBe(b);
    expect(Array.from((o.again as tf.Tensor).dataSync())).toEqual([1, 2]);
    const c = cloned as unknown as typeof state;
    expect(Array.from((c.nested[0] as tf.Tensor).dataSync())).toEqual([3]);
    tf.dispose([a, b, o.again, o.nested[0] as tf.Tensor, c.a, c.again, c.nested[0] as tf.Tensor]);
  });
});
