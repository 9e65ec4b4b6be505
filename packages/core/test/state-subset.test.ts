/**
 * selectState / mergeState / extendState: stepping a subset of the parameters on its part
 * of the state leaves every other parameter's state bit for bit, and the part of the state
 * of new parameters is their initial state.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { adam, adamw, chain, clipByGlobalNorm, disposeTree, rmsprop, sgd, stateLeavesWithPaths, type GradientTransformation, type StateValue } from '@shampoo-ts/core';
import { extendState, mergeState, selectState, stateSkeleton } from '@shampoo-ts/core/authoring';
import { gradsAt, shapeArb, values } from './support/arbitraries.js';
import { stateBytes } from './support/compare.js';
import { expectNoLeak, expectThrowsNoLeak } from './support/leaks.js';

const transforms: Array<[string, () => GradientTransformation<any>]> = [
  ['adam', () => adam({ learningRate: 0.1 })],
  ['adamw', () => adamw({ learningRate: 0.1, weightDecay: 0.1 })],
  ['rmsprop with momentum', () => rmsprop({ learningRate: 0.1, momentum: 0.9, centered: true })],
  ['sgd with momentum', () => sgd({ learningRate: 0.1, momentum: 0.9 })],
  ['chain(clipByGlobalNorm, adam)', () => chain(clipByGlobalNorm(1), adam({ learningRate: 0.1 }))],
];

/** Flat parameter records (as TransformOptimizer keeps them): 1..5 variables, and which are stepped. */
const setup = fc.array(fc.tuple(shapeArb(1), fc.boolean()), { minLength: 1, maxLength: 5 }).filter((vs) => vs.some(([, on]) => on));

function pick(tree: Record<string, tf.Tensor>, keys: readonly string[]): Record<string, tf.Tensor> {
  return Object.fromEntries(keys.map((k) => [k, tree[k]]));
}

/** The tensor leaves' bytes only (shared counters are numbers and do advance). */
function tensorBytes(state: unknown): string[] {
  return stateBytes(state).filter((_, i) => stateLeavesWithPaths(state)[i][1] instanceof tf.Tensor);
}

describe('state subsets', () => {
  it('a step on a subset writes its part back and leaves every other tensor of the state bit for bit', () => {
    fc.assert(fc.property(setup, fc.integer({ min: 1, max: 1000 }), (vars, seed) => expectNoLeak(() => {
      const params: Record<string, tf.Tensor> = Object.fromEntries(vars.map(([shape], i) => [`v${i}`, tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed + i), shape)]));
      const on = vars.flatMap(([, s], i) => (s ? [`v${i}`] : []));
      const off = vars.flatMap(([, s], i) => (s ? [] : [`v${i}`]));
      for (const [, make] of transforms) {
        const tx = make();
        let full: StateValue = tx.init(params);
        const g0 = gradsAt(params, seed, 0);
        const [u0, s1] = tx.update(g0, full, params);
        disposeTree([g0, u0, full]);
        full = s1;
        const sub = pick(params, on);
        const initSub = tx.init(sub);
        const skeleton = stateSkeleton(initSub);
        const part = selectState(skeleton, full, 'test');
        const g = gradsAt(sub, seed, 1);
        const [u, partNext] = tx.update(g, part, sub);
        const merged = mergeState(full, partNext, 'test');
        expect(stateBytes(selectState(skeleton, merged, 'test'))).toEqual(stateBytes(partNext));
        if (off.length > 0) {
          const initOff = tx.init(pick(params, off));
          const offSkeleton = stateSkeleton(initOff);
          expect(tensorBytes(selectState(offSkeleton, merged, 'test'))).toEqual(tensorBytes(selectState(offSkeleton, full, 'test')));
          // extendState: the state for on, extended by the initial state for off, is the initial state for all.
          const unused: unknown[] = [];
          const extended = extendState(initSub, initOff, 'test', unused);
          const initAll = tx.init(params);
          expect(stateBytes(extended)).toEqual(stateBytes(initAll));
          disposeTree([initOff, initAll]);
        }
        disposeTree([initSub, g, u, partNext, full]);
      }
      disposeTree(params);
    })), { numRuns: 20 });
  });

  it('refuses a state whose arrays do not line up, naming the position', () => {
    const tx = chain(adam({ learningRate: 0.1 }));
    const p = { w: tf.ones([2]) };
    const s = tx.init(p);
    expectThrowsNoLeak(() => selectState([null, null], s, 'owner'), /owner: the state cannot be split by parameter at '<root>'/, /array of length 2/);
    expectThrowsNoLeak(() => selectState(stateSkeleton({ x: 1 } as StateValue), s, 'owner'), /a record in the part is not one/);
    expectThrowsNoLeak(() => selectState([{ scaleByAdam: { nope: null } }], s as StateValue, 'owner'), /at '0\/scaleByAdam\/nope': the full state has no entry there/);
    disposeTree([p, s]);
  });
});

