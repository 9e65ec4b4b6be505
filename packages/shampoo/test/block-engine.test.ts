/**
 * shampooBlockEngine: the per-block step, run on any subset of the blocks, gives each
 * block exactly what scaleByShampoo gives it inside its parameter (the property data-parallel
 * Shampoo relies on), and checks its inputs.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, leavesWithPaths, type TensorTree } from '@shampoo-ts/core';
import { ownTensors, tensorsIn } from '@shampoo-ts/core/authoring';
import { adamGrafting } from '@shampoo-ts/grafting';
import { arbShape, arbFloat32Values, shapeSize } from '@shampoo-ts/testing';
import { scaleByShampoo, type ShampooOptions, type ShampooState } from '@shampoo-ts/shampoo';
import { shampooBlockEngine, splitBlocks } from '@shampoo-ts/shampoo/engine';

const OPTIONS: ShampooOptions = {
  betas: [0.9, 0.99], epsilon: 1e-6, weightDecay: 1e-2, maxPreconditionerDim: 3, preconditionFrequency: 2,
  grafting: adamGrafting(), momentum: { momentum: 0.5 },
};

describe('shampooBlockEngine', () => {
  it('on two disjoint halves of the blocks equals scaleByShampoo block for block, bit for bit, over 4 steps', () => {
    fc.assert(
      fc.property(
        fc.array(arbShape({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 7 }), { minLength: 1, maxLength: 3 }).chain((shapes) =>
          fc.tuple(fc.constant(shapes), fc.array(fc.tuple(...shapes.map((s) => arbFloat32Values(shapeSize(s), 2))), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 1 })),
        ),
        ([shapes, gradients, parity]) => {
          const params: TensorTree = Object.fromEntries(shapes.map((s, i) => [`p${i}`, tf.fill(s, 0.1 * (i + 1))]));
          const whole = scaleByShampoo(OPTIONS);
          let wholeState = whole.init(params);
          const halves = [0, 1].map(() => shampooBlockEngine(OPTIONS, 'test'));
          // Half h owns the blocks whose global index has parity (h + parity) % 2.
          const keys = leavesWithPaths(params).flatMap(([path, p]) => {
            const layout = halves[0].layoutOf(p.shape);
            return layout.blocks.map((_, i) => halves[0].blockInfo(path, layout, i));
          });
          const owns = (h: number) => new Set(keys.filter((_, i) => i % 2 === (h + parity) % 2).map((k) => k.key));
          let halfStates = halves.map((e, h) => tf.tidy(() => e.init(keys.filter((k) => owns(h).has(k.key))) as never) as ShampooState);
          for (const step of gradients) {
            const grads: TensorTree = Object.fromEntries(shapes.map((s, i) => [`p${i}`, tf.tensor(step[i], s)]));
            const [u, next] = whole.update(grads, wholeState, params);
            disposeTree(wholeState);
            wholeState = next;
            const expected = new Map<string, number[]>(
              leavesWithPaths(params).flatMap(([path, p]) => {
                const layout = halves[0].layoutOf(p.shape);
                const parts = splitBlocks((u as Record<string, tf.Tensor>)[path], layout);
                return parts.map((t, i) => [`${path}#${i}`, Array.from(t.dataSync())] as const);
              }),
            );
            halfStates = halves.map((engine, h) => {
              const inputs = [...tensorsIn(halfStates[h]), ...tensorsIn(grads), ...tensorsIn(params)];
              const result = tf.tidy(() => {
                const blocks = leavesWithPaths(grads).flatMap(([path, g]) => engine.blockInputs(path, g, (params as Record<string, tf.Tensor>)[path], (k) => owns(h).has(k)));
                const { directions, state } = engine.step(blocks, halfStates[h]);
                directions.forEach((d, i) => expect(Array.from(d.dataSync())).toEqual(expected.get(blocks[i].info.key)));
                expect(Object.keys(state.blocks).sort()).toEqual([...owns(h)].sort());
                return state as never;
              }) as ShampooState;
              const owned = ownTensors(result, inputs);
              disposeTree(halfStates[h]);
              return owned;
            });
            disposeTree([u, grads]);
          }
          disposeTree([params, wholeState, halfStates]);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('names the missing block of a foreign state, and the missing parameter when weight decay needs it', () => {
    const engine = shampooBlockEngine(OPTIONS, 'myOptimizer');
    const g = tf.ones([4, 2]);
    expect(() => engine.blockInputs('w', g, undefined)).toThrow(/myOptimizer: params at 'w' = undefined is not allowed/);
    tf.tidy(() => {
      const blocks = engine.blockInputs('w', g, tf.zeros([4, 2]));
      expect(blocks.map((b) => b.info.key)).toEqual(['w#0', 'w#1']);
      expect(() => engine.step(blocks, engine.init([blocks[0].info]))).toThrow(/myOptimizer: state.blocks\['w#1'\] = undefined is not allowed; allowed: the block state built by init for a block of shape \[1,2\]/);
    });
    g.dispose();
  });
});
