/**
 * fast-check arbitraries for trees of tensors (as `TreeSpec` plain data) and for
 * gradient sequences that match a tree.
 */
import fc from 'fast-check';
import { arbShape, shapeSize, type ShapeOptions } from './shapes.js';
import { checkIntRange, checkRealRange } from './options.js';
import { TensorSpec, mapSpecTree, specLeavesWithPaths, type TreeSpec } from '../trees/tensor-spec.js';

/** Resolution of the value grid: values are k * maxAbs / 2^24 for integers |k| <= 2^24. */
const STEPS = 2 ** 24;

/**
 * Finite float32 values uniform on a grid in [-maxAbs, maxAbs] (k * maxAbs / 2^24, rounded
 * to float32): no NaN, no Infinity, no subnormals unless maxAbs is tiny; 0 and +-maxAbs
 * included. Shrinks towards 0.
 */
export function arbFloat32Value(maxAbs = 10): fc.Arbitrary<number> {
  checkRealRange('arbFloat32Value', 'maxAbs', maxAbs, 'maxAbs', maxAbs, 0, false);
  return fc.integer({ min: -STEPS, max: STEPS }).map((k) => Math.fround((k / STEPS) * maxAbs));
}

/** `count` values of `arbFloat32Value(maxAbs)` as a Float32Array. */
export function arbFloat32Values(count: number, maxAbs = 10): fc.Arbitrary<Float32Array> {
  checkIntRange('arbFloat32Values', 'count', count, 'count', count);
  return fc.array(arbFloat32Value(maxAbs), { minLength: count, maxLength: count }).map((xs) => Float32Array.from(xs));
}

/** A tensor of a shape from `arbShape(shape)` with values from `arbFloat32Value(maxAbs)`. */
export function arbTensorSpec(options: { shape?: ShapeOptions; maxAbs?: number } = {}): fc.Arbitrary<TensorSpec> {
  const { maxAbs = 10 } = options;
  return arbShape(options.shape).chain((shape) => arbFloat32Values(shapeSize(shape), maxAbs).map((values) => new TensorSpec(shape, values)));
}

/** Options of `arbTreeSpec`: leaf shapes, value range, depth and width of the tree. */
export interface TreeOptions {
  /** Shapes of the leaves (see `arbShape`). */
  shape?: ShapeOptions;
  /** Leaf values are finite float32 in [-maxAbs, maxAbs]; default 10. */
  maxAbs?: number;
  /** Nesting depth of arrays/objects above the leaves; default 2 (0: a bare tensor). */
  maxDepth?: number;
  /** Children per array or object node, 1 to maxChildren; default 3. */
  maxChildren?: number;
  /** Allow the whole tree to be a bare tensor (path ''); default true. */
  allowBareTensor?: boolean;
}

const KEYS = ['w', 'b', 'kernel', 'bias', 'dense1', 'dense_2', 'embedding', 'gamma', 'beta', 'layers', 'head', 'x0'];

/**
 * Trees of tensors as `TreeSpec`: nested plain objects (keys like 'kernel', 'dense1') and
 * arrays, depth <= maxDepth, every node with 1..maxChildren children, leaves from
 * `arbTensorSpec`. Every tree has at least one leaf; paths never contain '/' inside a key.
 */
export function arbTreeSpec(options: TreeOptions = {}): fc.Arbitrary<TreeSpec> {
  const { maxDepth = 2, maxChildren = 3, allowBareTensor = true } = options;
  checkIntRange('arbTreeSpec', 'maxDepth', maxDepth, 'maxDepth', maxDepth);
  checkIntRange('arbTreeSpec', 'maxChildren', maxChildren, 'maxChildren', maxChildren, 1);
  if (!allowBareTensor && maxDepth === 0) {
    throw new RangeError('arbTreeSpec: maxDepth is 0 with allowBareTensor = false; allowed: maxDepth >= 1 or allowBareTensor = true');
  }
  const leaf: fc.Arbitrary<TreeSpec> = arbTensorSpec(options);
  const containers = (child: fc.Arbitrary<TreeSpec>): fc.Arbitrary<TreeSpec>[] => [
    fc.array(child, { minLength: 1, maxLength: maxChildren }),
    fc.dictionary(fc.constantFrom(...KEYS), child, { minKeys: 1, maxKeys: maxChildren, noNullPrototype: true }),
  ];
  let node = leaf;
  for (let depth = 1; depth <= maxDepth; depth++) {
    const inner = node;
    node = depth === maxDepth && !allowBareTensor ? fc.oneof(...containers(inner)) : fc.oneof(leaf, ...containers(inner));
  }
  return node;
}

/** Options of `arbGradientSequence`: how many gradient trees and their value range. */
export interface GradientOptions {
  /** Number of gradient trees; default 3. */
  steps?: number;
  /** Gradient values are finite float32 in [-maxAbs, maxAbs]; default 1. */
  maxAbs?: number;
}

/**
 * `steps` gradient trees with exactly the structure and leaf shapes of `like`
 * (fresh values from `arbFloat32Value(maxAbs)`), as a sequence g_1 .. g_k.
 */
export function arbGradientSequence(like: TreeSpec, options: GradientOptions = {}): fc.Arbitrary<TreeSpec[]> {
  const { steps = 3, maxAbs = 1 } = options;
  checkIntRange('arbGradientSequence', 'steps', steps, 'steps', steps);
  const leaves = specLeavesWithPaths(like);
  const oneStep = fc.tuple(...leaves.map(([, leaf]) => arbFloat32Values(leaf.values.length, maxAbs))).map((valuesList) => {
    const byPath = new Map(leaves.map(([path], i) => [path, valuesList[i]]));
    return mapSpecTree(like, (leaf, path) => new TensorSpec(leaf.shape, byPath.get(path) as Float32Array));
  });
  return fc.array(oneStep, { minLength: steps, maxLength: steps });
}

/** A parameter tree with a matching gradient sequence: `{ params, grads: [g_1, ..., g_k] }`. */
export function arbTreeWithGradients(
  options: TreeOptions & { gradients?: GradientOptions } = {},
): fc.Arbitrary<{ params: TreeSpec; grads: TreeSpec[] }> {
  return arbTreeSpec(options).chain((params) => arbGradientSequence(params, options.gradients).map((grads) => ({ params, grads })));
}
