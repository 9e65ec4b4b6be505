/**
 * The batched block engine (blocks of one shape stacked into one group) against the
 * per-block engine (every block alone through the per-block variant steps, batchBlocks:
 * false): on random trees whose blocking gives many blocks of equal shapes, every direction
 * and every state tensor agree at every step, for every variant and the options around it:
 * bit for bit on cpu, to float32 rounding on wasm. Also: the groups are formed by shape, and a step launches a
 * number of kernels that grows with the number of shapes, not the number of blocks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, leavesWithPaths, ownTensors, stateLeavesWithPaths, tensorsIn, type TensorTree } from '@shampoo-ts/core';
import { adagradGrafting, adamGrafting, rmspropGrafting, sgdGrafting } from '@shampoo-ts/grafting';
import { arbFloat32Values, shapeSize } from '@shampoo-ts/testing';
import { useBackend } from '@shampoo-ts/backends';
import { shampooBlockEngine, type ShampooOptions, type ShampooState } from '@shampoo-ts/shampoo';
import { groupBlocksByShape } from '../src/batched/block-groups.js';
import { expectClose } from './helpers.js';

const PRECONDITIONERS: readonly ShampooOptions['preconditioner'][] = [
  { type: 'root-inverse' },
  { type: 'kl-shampoo' },
  { type: 'eigendecomposed' },
  { type: 'eigendecomposed-kl-shampoo' },
  { type: 'eigenvalue-corrected' },
  { type: 'eigenvalue-corrected', eigenbasis: 'qr' },
  { type: 'spectral-descent' },
  { type: 'sign-descent' },
];

const arbOptions: fc.Arbitrary<ShampooOptions> = fc.record({
  preconditioner: fc.constantFrom(...PRECONDITIONERS),
  grafting: fc.constantFrom(null, sgdGrafting(), adagradGrafting(), rmspropGrafting(), adamGrafting()),
  momentum: fc.constantFrom(undefined, { momentum: 0.5 }, { momentum: 0.9, nesterov: true, dampening: 0.1 }),
  weightDecay: fc.constantFrom(0, 1e-2),
  weightDecayType: fc.constantFrom('l2' as const, 'decoupled' as const),
  factorUpdateFrequency: fc.constantFrom(1, 2),
  betas: fc.constantFrom([0, 0.99] as [number, number], [0.9, 0.999] as [number, number], [0.5, 1] as [number, number]),
  useSymmetricPacking: fc.boolean(),
  startPreconditioningStep: fc.constantFrom(2, 4),
}).map(
  (o) =>
    ({
      ...o, epsilon: 1e-4, preconditionFrequency: 2, maxPreconditionerDim: 3,
      ...(o.preconditioner?.type === 'spectral-descent' ? { targetParameterDimensionality: 2 } : {}),
    }) as ShampooOptions,
);

/** Shapes of order 1-3 with dims up to 8, cut into blocks of side 3: many blocks, few shapes. */
const arbShapes = (matricesOnly: boolean) =>
  fc.array(fc.array(fc.integer({ min: matricesOnly ? 2 : 1, max: 8 }), { minLength: matricesOnly ? 2 : 1, maxLength: matricesOnly ? 2 : 3 }), { minLength: 1, maxLength: 3 });

/** Runs `steps` engine steps; returns per step the directions and the state leaves by path. */
function run(options: ShampooOptions, batchBlocks: boolean, params: TensorTree, grads: readonly TensorTree[]) {
  const engine = shampooBlockEngine(options, 'test', { batchBlocks });
  const infos = leavesWithPaths(params).flatMap(([path, p]) => {
    const layout = engine.layoutOf(p.shape);
    return layout.blocks.map((_, i) => engine.blockInfo(path, layout, i));
  });
  let state = tf.tidy(() => engine.init(infos) as never) as ShampooState;
  const out: { directions: Float32Array[]; state: [string, Float32Array][] }[] = [];
  for (const g of grads) {
    const inputs = [...tensorsIn(state), ...tensorsIn(g), ...tensorsIn(params)];
    const result = tf.tidy(() => {
      const blocks = leavesWithPaths(g).flatMap(([path, t]) => engine.blockInputs(path, t, (params as Record<string, tf.Tensor>)[path]));
      const { directions, state: next } = engine.step(blocks, state);
      out.push({ directions: directions.map((d) => d.dataSync() as Float32Array), state: [] });
      return next as never;
    }) as ShampooState;
    const owned = ownTensors(result, inputs);
    disposeTree(state);
    state = owned;
    out[out.length - 1].state = stateLeavesWithPaths(state).flatMap(([path, leaf]) => (leaf instanceof tf.Tensor ? [[path, leaf.dataSync() as Float32Array] as [string, Float32Array]] : []));
  }
  disposeTree(state);
  return out;
}

describe('the batched block engine', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('equals the per-block engine bit for bit on cpu, step by step, for every variant and option', () => {
    fc.assert(
      fc.property(
        arbOptions.chain((options) => {
          const shapes = arbShapes(options.preconditioner?.type === 'spectral-descent');
          return fc.tuple(fc.constant(options), shapes.chain((s) => fc.tuple(fc.constant(s), fc.array(fc.tuple(...s.map((x) => arbFloat32Values(shapeSize(x), 2))), { minLength: 4, maxLength: 4 }))));
        }),
        ([options, [shapes, values]]) => {
          const params: TensorTree = Object.fromEntries(shapes.map((s, i) => [`p${i}`, tf.fill(s, 0.1 * (i + 1))]));
          const grads = values.map((step) => Object.fromEntries(shapes.map((s, i) => [`p${i}`, tf.tensor(step[i], s)])) as TensorTree);
          const before = tf.memory().numTensors;
          const batched = run(options, true, params, grads);
          const perBlock = run(options, false, params, grads);
          expect(tf.memory().numTensors).toBe(before);
          batched.forEach((s, t) => {
            expect(s.directions.length).toBe(perBlock[t].directions.length);
            // Bit for bit on cpu: each batch entry of a batched product or reduction is computed as the per-block one.
            s.directions.forEach((d, i) => expectClose(d, perBlock[t].directions[i], 0, 0, `step ${t + 1} direction ${i}`));
            expect(s.state.map(([p]) => p)).toEqual(perBlock[t].state.map(([p]) => p));
            s.state.forEach(([path, v], i) => expectClose(v, perBlock[t].state[i][1], 0, 0, `step ${t + 1} state ${path}`));
          });
          disposeTree([params, grads]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('on wasm (stacks unstacked through one read) equals the per-block engine on wasm and on cpu, float32 rounding apart', async () => {
    const options: ShampooOptions = {
      betas: [0.9, 0.999], epsilon: 1e-2, weightDecay: 1e-2, weightDecayType: 'l2', maxPreconditionerDim: 4, preconditionFrequency: 2,
      grafting: adamGrafting(), momentum: { momentum: 0.5, nesterov: true },
    };
    const tree = () => ({ w: tf.tidy(() => tf.reshape(tf.cos(tf.range(0, 240)), [20, 12])), b: tf.fill([7], 0.5) });
    const grads = (k: number) => tf.tidy(() => ({ w: tf.reshape(tf.sin(tf.add(tf.mul(tf.range(0, 240), 0.37), k)), [20, 12]), b: tf.tensor1d([1, -2, 0.5, k, 3, -1, 0.25]) }));
    const runOn = async (backend: 'cpu' | 'wasm', batchBlocks: boolean) => {
      if (backend === 'wasm') await useBackend('wasm');
      else await tf.setBackend('cpu');
      const params = tree();
      const gs = [1, 2, 3, 4, 5].map(grads);
      const before = tf.memory().numTensors;
      const out = run(options, batchBlocks, params, gs);
      expect(tf.memory().numTensors).toBe(before);
      disposeTree([params, gs]);
      return out;
    };
    const cpu = await runOn('cpu', false);
    const wasmPerBlock = await runOn('wasm', false);
    const wasmBatched = await runOn('wasm', true);
    expect(wasmBatched[0].directions.length).toBe(17); // 15 blocks of 4 x 4, then [4] and [3]
    wasmBatched.forEach((s, t) => {
      // Across backends the roots amplify the products' rounding more (wasm-step.test.ts compares the backends).
      for (const [name, other, rtol] of [['wasm per block', wasmPerBlock, 1e-4], ['cpu per block', cpu, 1e-3]] as const) {
        s.directions.forEach((d, i) => expectClose(d, other[t].directions[i], rtol, 1e-6, `${name}: step ${t + 1} direction ${i}`));
        s.state.forEach(([path, v], i) => expectClose(v, other[t].state[i][1], rtol, 1e-6, `${name}: step ${t + 1} state ${path}`));
      }
    });
  });

  it('groups the blocks by shape, in order of first appearance', () => {
    const info = (key: string, shape: number[]) => ({ key, shape, exponents: shape.map(() => 0.25) });
    const blocks = [info('a#0', [3, 3]), info('a#1', [3, 2]), info('b#0', [3]), info('c#0', [3, 3]), info('c#1', [3, 2])];
    expect(groupBlocksByShape(blocks)).toEqual([
      { shape: [3, 3], members: [0, 3] },
      { shape: [3, 2], members: [1, 4] },
      { shape: [3], members: [2] },
    ]);
    expect(groupBlocksByShape(blocks, false).map((g) => g.members)).toEqual([[0], [1], [2], [3], [4]]);
  });

  it('launches as many kernels for 16 blocks of one shape as for 2 (the work is batched)', async () => {
    const options: ShampooOptions = { maxPreconditionerDim: 4, grafting: adamGrafting(), betas: [0.9, 0.999], preconditionFrequency: 2, startPreconditioningStep: 2 };
    const kernelsOfOneStep = async (rows: number, batchBlocks: boolean) => {
      const engine = shampooBlockEngine(options, 'test', { batchBlocks });
      const g = tf.randomNormal([rows, 4], 0, 1, 'float32', 7);
      const layout = engine.layoutOf(g.shape);
      const state = tf.tidy(() => engine.init(layout.blocks.map((_, i) => engine.blockInfo('w', layout, i))) as never) as ShampooState;
      // Step 3: preconditioned with the initial roots, no root step.
      const at2 = { ...state, step: 2 } as ShampooState;
      const info = await tf.profile(() => tf.tidy(() => engine.step(engine.blockInputs('w', g, undefined), at2).directions[0]));
      disposeTree([g, state]);
      return info.kernels.length;
    };
    const [b2, b16, p2, p16] = [await kernelsOfOneStep(8, true), await kernelsOfOneStep(64, true), await kernelsOfOneStep(8, false), await kernelsOfOneStep(64, false)];
    // Splitting the gradient is per block (2 kernels each); everything after it is per group.
    expect(b16 - b2).toBeLessThanOrEqual(2 * 14 + 2);
    expect(p16 - p2).toBeGreaterThan(10 * 14);
  });
});
