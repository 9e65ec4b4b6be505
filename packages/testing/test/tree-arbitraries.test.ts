import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { disposeTree, firstStructureDifference, leavesWithPaths, type TensorTree } from '@shampoo-ts/core';
import {
  arbFloat32Value,
  arbGradientSequence,
  arbShape,
  arbTreeSpec,
  arbTreeWithGradients,
  buildTensorTree,
  shapeSize,
  specLeavesWithPaths,
  TensorSpec,
} from '@shampoo-ts/testing';

describe('arbShape', () => {
  it('stays within the rank and dim ranges', () => {
    fc.assert(
      fc.property(
        fc.record({ minRank: fc.nat(3), extraRank: fc.nat(3), minDim: fc.nat(3), extraDim: fc.nat(4) }).chain((o) =>
          fc.tuple(fc.constant(o), arbShape({ minRank: o.minRank, maxRank: o.minRank + o.extraRank, minDim: o.minDim, maxDim: o.minDim + o.extraDim })),
        ),
        ([o, shape]) => {
          expect(shape.length).toBeGreaterThanOrEqual(o.minRank);
          expect(shape.length).toBeLessThanOrEqual(o.minRank + o.extraRank);
          for (const d of shape) {
            expect(Number.isInteger(d)).toBe(true);
            expect(d).toBeGreaterThanOrEqual(o.minDim);
            expect(d).toBeLessThanOrEqual(o.minDim + o.extraDim);
          }
        },
      ),
    );
  });

  it('by default produces scalars, size-1 dims and size-0 dims', () => {
    const shapes = fc.sample(arbShape(), { numRuns: 300, seed: 1 });
    expect(shapes.some((s) => s.length === 0)).toBe(true);
    expect(shapes.some((s) => s.includes(1))).toBe(true);
    expect(shapes.some((s) => s.includes(0))).toBe(true);
    // but most tensors are not empty: a 0 dim has weight 1 in 10
    expect(shapes.filter((s) => shapeSize(s) > 0).length).toBeGreaterThan(shapes.length / 2);
  });

  it('can exclude zero dims, and rejects bad ranges naming them', () => {
    fc.assert(
      fc.property(arbShape({ zeroDimWeight: 0 }), (s) => {
        expect(s.every((d) => d >= 1)).toBe(true);
      }),
    );
    expect(() => arbShape({ minRank: 3, maxRank: 1 })).toThrow(/minRank = 3 > maxRank = 1/);
    expect(() => arbShape({ maxDim: -1 })).toThrow(/maxDim is -1; allowed: an integer >= 0/);
  });
});

describe('arbFloat32Value', () => {
  it('gives finite float32 numbers within [-maxAbs, maxAbs]', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e6, noNaN: true }).chain((m) => fc.tuple(fc.constant(m), arbFloat32Value(m))), ([m, x]) => {
        expect(Number.isFinite(x)).toBe(true);
        expect(Math.fround(x)).toBe(x);
        expect(Math.abs(x)).toBeLessThanOrEqual(Math.fround(m) * (1 + 2 ** -23));
      }),
    );
  });
});

describe('arbTreeSpec / buildTensorTree', () => {
  it('builds trees of float32 tensors with the promised shapes and values', () => {
    fc.assert(
      fc.property(arbTreeSpec({ maxAbs: 3, maxDepth: 3 }), (spec) => {
        const tree = buildTensorTree(spec) as TensorTree;
        try {
          const specs = specLeavesWithPaths(spec);
          const leaves = leavesWithPaths(tree);
          expect(leaves.map(([p]) => p)).toEqual(specs.map(([p]) => p));
          expect(leaves.length).toBeGreaterThan(0);
          leaves.forEach(([, t], i) => {
            const s = specs[i][1];
            expect(t.dtype).toBe('float32');
            expect(t.shape).toEqual(s.shape);
            expect(t.rank).toBeLessThanOrEqual(3);
            expect(Array.from(t.dataSync())).toEqual(Array.from(s.values));
            for (const x of s.values) expect(Math.abs(x)).toBeLessThanOrEqual(3);
          });
        } finally {
          disposeTree(tree);
        }
      }),
    );
  });

  it('produces bare tensors, arrays and objects at the root, and nests', () => {
    const roots = fc.sample(arbTreeSpec(), { numRuns: 200, seed: 2 });
    expect(roots.some((r) => r instanceof TensorSpec)).toBe(true);
    expect(roots.some((r) => Array.isArray(r))).toBe(true);
    expect(roots.some((r) => !(r instanceof TensorSpec) && !Array.isArray(r))).toBe(true);
    expect(roots.some((r) => specLeavesWithPaths(r).some(([p]) => p.includes('/')))).toBe(true);
  });

  it('allowBareTensor = false gives a container root', () => {
    fc.assert(
      fc.property(arbTreeSpec({ allowBareTensor: false }), (r) => {
        expect(r instanceof TensorSpec).toBe(false);
      }),
    );
  });

  it('TensorSpec rejects values that do not fit the shape', () => {
    expect(() => new TensorSpec([2, 3], new Float32Array(5))).toThrow(/values has length 5; allowed: 6 for shape \[2,3\]/);
  });
});

describe('gradient sequences', () => {
  it('have the structure and the shapes of the tree, one tree per step, within maxAbs', () => {
    fc.assert(
      fc.property(arbTreeWithGradients({ gradients: { steps: 4, maxAbs: 0.5 } }), ({ params, grads }) => {
        expect(grads.length).toBe(4);
        const p = buildTensorTree(params) as TensorTree;
        const gs = grads.map((g) => buildTensorTree(g) as TensorTree);
        try {
          for (const g of gs) expect(firstStructureDifference(p, g, true)).toBeUndefined();
          for (const g of grads) for (const [, leaf] of specLeavesWithPaths(g)) for (const x of leaf.values) expect(Math.abs(x)).toBeLessThanOrEqual(0.5);
        } finally {
          disposeTree([p, gs]);
        }
      }),
    );
  });

  it('draws fresh values at each step', () => {
    const like = new TensorSpec([8], new Float32Array(8));
    const [seq] = fc.sample(arbGradientSequence(like, { steps: 2 }), { numRuns: 1, seed: 5 });
    expect(Array.from((seq[0] as TensorSpec).values)).not.toEqual(Array.from((seq[1] as TensorSpec).values));
  });

  it('building and disposing a tree leaves tf.memory().numTensors where it was', () => {
    const before = tf.memory().numTensors;
    for (const spec of fc.sample(arbTreeSpec(), { numRuns: 20, seed: 3 })) disposeTree(buildTensorTree(spec));
    expect(tf.memory().numTensors).toBe(before);
  });
});
