/**
 * Plain-data descriptions of tensors and trees of tensors. Arbitraries produce these, not
 * tensors, so that generating and shrinking never allocates tfjs memory; a property
 * builds the tensors itself (`buildTensorTree`) and disposes them, and leak checks stay exact.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leavesWithPaths, type Tree } from '@shampoo-ts/core';
import { joinPath } from '@shampoo-ts/core/authoring';
import { shapeSize } from '../arbitraries/shapes.js';

/** A float32 tensor as data: its shape and its values in row-major order. */
export class TensorSpec {
  /** A spec of `shape` holding `values` (row-major); throws if the length is not the product of the dims. */
  constructor(
    readonly shape: readonly number[],
    readonly values: Float32Array,
  ) {
    if (values.length !== shapeSize(shape)) {
      throw new RangeError(`TensorSpec: values has length ${values.length}; allowed: ${shapeSize(shape)} for shape [${shape.join(',')}]`);
    }
  }
  /** Short form for fast-check's counterexample reports. */
  toString(): string {
    return `TensorSpec([${this.shape.join(',')}], [${Array.from(this.values).join(', ')}])`;
  }
}

/** A tree (nested plain objects and arrays) with `TensorSpec` leaves. */
export type TreeSpec = Tree<TensorSpec>;

/** True for a `TensorSpec` leaf. */
export function isTensorSpec(x: unknown): x is TensorSpec {
  return x instanceof TensorSpec;
}

/** Leaves of a spec tree with their paths, in the order of core's `leavesWithPaths`. */
export function specLeavesWithPaths(spec: TreeSpec): Array<[string, TensorSpec]> {
  return leavesWithPaths(spec, isTensorSpec);
}

/**
 * Rebuilds the structure of `spec` with `fn(leaf, path)` at every leaf (paths as in core:
 * keys joined by '/', array indices in decimal, objects visited in sorted key order).
 */
export function mapSpecTree<R>(spec: TreeSpec, fn: (leaf: TensorSpec, path: string) => R): Tree<R> {
  const visit = (node: unknown, path: string): unknown => {
    if (isTensorSpec(node)) return fn(node, path);
    if (Array.isArray(node)) return node.map((child, i) => visit(child, joinPath(path, i)));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node as object).sort()) {
      out[key] = visit((node as Record<string, unknown>)[key], joinPath(path, key));
    }
    return out;
  };
  return visit(spec, '') as Tree<R>;
}

/**
 * The tensors described by `spec`: every leaf becomes tf.tensor(values, shape, 'float32').
 * The caller owns (and disposes) the result, for example with core's `disposeTree`.
 */
export function buildTensorTree(spec: TreeSpec): Tree<tf.Tensor> {
  return mapSpecTree(spec, (leaf) => tf.tensor(leaf.values, [...leaf.shape], 'float32'));
}
