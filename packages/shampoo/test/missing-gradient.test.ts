/**
 * docs/algorithms.md#missing-gradients: blocks with a missing or empty gradient are left
 * untouched. A gradient tree without a parameter's leaf steps the other blocks only;
 * the missing parameter's blocks keep their state bit for bit and resume later.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, stateLeavesWithPaths, type TensorTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { scaleByShampoo, type ShampooState } from '@shampoo-ts/shampoo';

const options = { preconditionFrequency: 1, betas: [0.9, 0.99] as [number, number], grafting: adamGrafting({ epsilon: 1e-8 }), maxPreconditionerDim: 4 };

function grads(t: number, which: 'ab' | 'a'): TensorTree {
  const a = tf.tensor2d(Array.from({ length: 6 }, (_, i) => Math.sin(t + 1.7 * i)), [3, 2]);
  if (which === 'a') return { a };
  return { a, b: tf.tensor1d([Math.cos(t), 0.5, -Math.sin(2 * t), 1]) };
}

/** Bit-level fingerprints of the state leaves under `blocks/<prefix>`. */
function blockBytes(state: ShampooState, prefix: string): string[] {
  return stateLeavesWithPaths(state)
    .filter(([p]) => p.startsWith(`blocks/${prefix}#`))
    .map(([p, l]) => `${p}:${l instanceof tf.Tensor ? Buffer.from(new Uint8Array((l.dataSync() as Float32Array).buffer)).toString('hex') : JSON.stringify(l)}`);
}

describe('a missing gradient leaf', () => {
  it("leaves that parameter's blocks untouched, steps the others as if it were absent, and resumes it later", () => {
    const params = { a: tf.ones([3, 2]), b: tf.zeros([4]) };
    const tx = scaleByShampoo(options);
    const run = (pattern: Array<'ab' | 'a'>): ShampooState => {
      let s = tx.init(params);
      pattern.forEach((which, k) => {
        const g = grads(k + 1, which);
        const [u, next] = tx.update(g, s, params);
        expect(Object.keys(u as object).sort()).toEqual(which === 'a' ? ['a'] : ['a', 'b']);
        disposeTree([g, u, s]);
        s = next;
      });
      return s;
    };
    const before = run(['ab']);
    const partial = run(['ab', 'a']);
    const full = run(['ab', 'ab']);
    expect(partial.step).toBe(2);
    expect(blockBytes(partial, 'b')).toEqual(blockBytes(before, 'b'));
    expect(blockBytes(partial, 'a')).toEqual(blockBytes(full, 'a'));
    const resumed = run(['ab', 'a', 'ab']);
    expect(blockBytes(resumed, 'b')).not.toEqual(blockBytes(before, 'b'));
    disposeTree([params, before, partial, full, resumed]);
  });
});
