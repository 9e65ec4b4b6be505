/**
 * Small fast-check generators for core's own tests. (@shampoo-ts/testing depends on core,
 * so core cannot import it without a cycle; these are the few pieces core needs.)
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { treeMap, type TensorTree } from '@shampoo-ts/core';

/** A leaf of a tree spec: the shape of a tensor to build. */
export class ShapeLeaf {
  constructor(readonly shape: number[]) {}
}

/** A tree whose leaves are shapes. */
export type TreeSpec = ShapeLeaf | TreeSpec[] | { [key: string]: TreeSpec };

/** Shapes of rank 0..3 with dims in [minDim, 3] (minDim 0 gives size-0 tensors). */
export function shapeArb(minDim = 0): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: 3 }), { maxLength: 3 });
}

/** Nested objects and arrays of shapes, at least one leaf, at most a few levels. */
export function treeSpecArb(minDim = 0): fc.Arbitrary<TreeSpec> {
  const { node } = fc.letrec<{ node: TreeSpec; leaf: ShapeLeaf; obj: { [key: string]: TreeSpec }; arr: TreeSpec[] }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', maxDepth: 3 }, tie('leaf'), tie('obj'), tie('arr')),
    leaf: shapeArb(minDim).map((s) => new ShapeLeaf(s)),
    obj: fc.dictionary(fc.constantFrom('a', 'b', 'kernel', 'bias', 'w', 'dense1'), tie('node'), { minKeys: 1, maxKeys: 3 }),
    arr: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
  }));
  return node;
}

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A string hash (FNV-1a) used to derive per-leaf seeds from paths. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Deterministic values in [-scale, scale) for a leaf, from (seed, path). */
export function values(size: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (2 * r() - 1) * scale;
  return out;
}

/** Builds a tensor tree from a spec; each leaf's values depend on (seed, its path). */
export function buildTree(spec: TreeSpec, seed: number, scale = 1, path = ''): TensorTree {
  if (spec instanceof ShapeLeaf) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    return tf.tensor(values(size, (seed * 7919 + hash(path)) >>> 0, scale), spec.shape, 'float32');
  }
  if (Array.isArray(spec)) return spec.map((s, i) => buildTree(s, seed, scale, path === '' ? `${i}` : `${path}/${i}`));
  const out: { [key: string]: TensorTree } = {};
  for (const [k, s] of Object.entries(spec)) out[k] = buildTree(s, seed, scale, path === '' ? k : `${path}/${k}`);
  return out;
}

/** Deterministic gradients for step k: values in [-scale, scale), shaped like `params`. */
export function gradsAt(params: TensorTree, seed: number, k: number, scale = 1): TensorTree {
  return treeMap((x, path) => tf.tensor(values(x.size, (seed * 31 + k * 1000003 + hash(path)) >>> 0, scale), x.shape, 'float32'), params);
}
