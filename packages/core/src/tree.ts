/**
 * Trees of tensors: nested plain objects and arrays whose leaves are `tf.Tensor`s.
 *
 * A tfjs `NamedTensorMap` is a tree, so is `[w, b]` or `{ dense1: { kernel, bias } }`.
 * Every leaf has a path: the keys from the root joined by `/` (array indices as
 * decimal numbers), for example `'dense1/kernel'` or `'layers/0/bias'`. A bare tensor
 * is a tree with one leaf whose path is `''`.
 *
 * Object keys are visited in sorted order, so two trees with the same keys give their
 * leaves in the same order whatever order the keys were inserted in.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A nested structure of plain objects and arrays with leaves of type `L`. */
export type Tree<L> = L | readonly Tree<L>[] | { readonly [key: string]: Tree<L> };

/** A tree whose leaves are tensors: parameters, gradients, updates. */
export type TensorTree = Tree<tf.Tensor>;

/** True for a tfjs tensor (the leaves of a `TensorTree`). */
export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Joins a parent path and a key: `joinPath('a', 'b') === 'a/b'`, `joinPath('', 'b') === 'b'`. */
export function joinPath(parent: string, key: string | number): string {
  return parent === '' ? String(key) : `${parent}/${key}`;
}

function describe(x: unknown): string {
  if (isTensor(x)) return `tensor of shape [${x.shape.join(',')}]`;
  if (Array.isArray(x)) return `array of length ${x.length}`;
  if (isPlainObject(x)) return `object with keys [${Object.keys(x).sort().join(', ')}]`;
  return x === null ? 'null' : typeof x;
}

/** The one path formatter of messages: `pathLabel('a/b') === "'a/b'"`, `pathLabel('') === '<root>'`. */
export function pathLabel(path: string): string {
  return path === '' ? '<root>' : `'${path}'`;
}

/**
 * The one tree walker: a pre-order walk calling `visit(node, path)` on the root and, while
 * `visit` returns true, on the children of arrays (by index) and of other objects (by sorted
 * key), with paths joined by joinPath. `visit` returns false for a leaf (a tensor is an
 * object too) and may throw on a node it refuses.
 */
export function walkTree(root: unknown, visit: (node: unknown, path: string) => boolean): void {
  const go = (node: unknown, path: string): void => {
    if (!visit(node, path)) return;
    if (Array.isArray(node)) node.forEach((child, i) => go(child, joinPath(path, i)));
    else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node).sort()) go((node as Record<string, unknown>)[key], joinPath(path, key));
    }
  };
  go(root, '');
}

/** True for the containers of a tree: arrays and plain objects. */
export function isTreeContainer(x: unknown): boolean {
  return Array.isArray(x) || isPlainObject(x);
}

/**
 * Leaves with their paths, in a deterministic order (arrays by index, objects by sorted key).
 * Throws on a node that is neither a leaf, an array nor a plain object, naming its path
 * (`invalid(node, path)` words the error; the default names the node's kind).
 */
export function leavesWithPaths<L = tf.Tensor>(
  tree: Tree<L>,
  isLeaf: (x: unknown) => x is L = isTensor as (x: unknown) => x is L,
  invalid: (node: unknown, path: string) => never = (node, path) => {
    throw new TypeError(`tree: the node at ${pathLabel(path)} is a ${describe(node)}; allowed: a tensor, an array or a plain object`);
  },
): Array<[string, L]> {
  const out: Array<[string, L]> = [];
  walkTree(tree, (node, path) => {
    if (isLeaf(node)) {
      out.push([path, node]);
      return false;
    }
    return isTreeContainer(node) || invalid(node, path);
  });
  return out;
}

/** The leaves of a tree in the order of `leavesWithPaths`. */
export function leaves<L = tf.Tensor>(tree: Tree<L>, isLeaf?: (x: unknown) => x is L): L[] {
  return leavesWithPaths(tree, isLeaf).map(([, leaf]) => leaf);
}

/**
 * The first path at which two trees differ in structure, or `undefined` if they have the
 * same structure (same keys, same array lengths, leaves in the same places).
 * With `compareShapes`, leaves must also be tensors of the same shape.
 */
export function firstStructureDifference(
  a: unknown,
  b: unknown,
  compareShapes = false,
  path = '',
): { path: string; left: string; right: string } | undefined {
  const diff = { path, left: describe(a), right: describe(b) };
  if (isTensor(a) || isTensor(b)) {
    if (!(isTensor(a) && isTensor(b))) return diff;
    if (compareShapes && !tf.util.arraysEqual(a.shape, b.shape)) return diff;
    return undefined;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return diff;
    for (let i = 0; i < a.length; i++) {
      const d = firstStructureDifference(a[i], b[i], compareShapes, joinPath(path, i));
      if (d) return d;
    }
    return undefined;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    const all = [...new Set([...ka, ...kb])].sort();
    for (const key of all) {
      if (!(key in a) || !(key in b)) {
        return { path: joinPath(path, key), left: key in a ? describe(a[key]) : 'missing', right: key in b ? describe(b[key]) : 'missing' };
      }
      const d = firstStructureDifference(a[key], b[key], compareShapes, joinPath(path, key));
      if (d) return d;
    }
    return undefined;
  }
  return diff;
}

/**
 * Throws a `TypeError` naming the first differing path if `b` does not have the structure
 * of `a` (and, with `compareShapes`, the same leaf shapes). `names` label the two trees in
 * the message, for example `['params', 'grads']`.
 */
export function assertSameStructure(
  a: unknown,
  b: unknown,
  names: [string, string] = ['first tree', 'second tree'],
  compareShapes = false,
): void {
  const d = firstStructureDifference(a, b, compareShapes);
  if (d) {
    throw new TypeError(
      `${names[1]} does not match ${names[0]} at ${pathLabel(d.path)}: ${names[0]} has ${d.left}, ${names[1]} has ${d.right}`,
    );
  }
}

/**
 * `treeMap(f, t)` applies `f(leaf, path)` to every tensor leaf and rebuilds the structure.
 * The result is a new tree; `t` is not changed.
 */
export function treeMap<T extends TensorTree>(
  fn: (leaf: tf.Tensor, path: string) => tf.Tensor,
  tree: T,
): T;
export function treeMap<R>(fn: (leaf: tf.Tensor, path: string) => R, tree: TensorTree): Tree<R>;
export function treeMap(fn: (leaf: tf.Tensor, path: string) => unknown, tree: TensorTree): unknown {
  return treeMapN((xs, path) => fn(xs[0], path), [tree]);
}

/**
 * `treeMapN(f, [t1, ..., tk])` maps over several trees of the same structure at once:
 * `f([leaf1, ..., leafk], path)`. The structure is checked first (error names the path);
 * shapes are not (the callback may check them).
 */
export function treeMapN(
  fn: (leaves: tf.Tensor[], path: string) => unknown,
  trees: readonly TensorTree[],
  names?: readonly string[],
): any {
  if (trees.length === 0) throw new RangeError('treeMapN: trees is empty; allowed: at least one tree');
  for (let i = 1; i < trees.length; i++) {
    assertSameStructure(trees[0], trees[i], [names?.[0] ?? 'tree 0', names?.[i] ?? `tree ${i}`]);
  }
  const build = (nodes: unknown[], path: string): unknown => {
    const first = nodes[0];
    if (isTensor(first)) return fn(nodes as tf.Tensor[], path);
    if (Array.isArray(first)) return first.map((_, i) => build(nodes.map((n) => (n as unknown[])[i]), joinPath(path, i)));
    if (isPlainObject(first)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(first).sort()) {
        out[key] = build(nodes.map((n) => (n as Record<string, unknown>)[key]), joinPath(path, key));
      }
      return out;
    }
    throw new TypeError(`tree: the node at ${pathLabel(path)} is a ${describe(first)}; allowed: a tensor, an array or a plain object`);
  };
  return build(trees as unknown[], '');
}

/** Rebuilds a tree of the structure of `like` from leaves in `leavesWithPaths` order. */
export function unflatten<L>(like: TensorTree, values: readonly L[]): Tree<L> {
  let i = 0;
  const out = treeMap(() => {
    if (i >= values.length) throw new RangeError(`unflatten: ${values.length} values for a tree with more leaves`);
    return values[i++] as unknown as tf.Tensor;
  }, like);
  if (i !== values.length) throw new RangeError(`unflatten: ${values.length} values for a tree with ${i} leaves`);
  return out as unknown as Tree<L>;
}

/**
 * Every tensor found anywhere in a value (trees, states with numbers in them), in the order of
 * walkTree, each once.
 */
export function tensorsIn(x: unknown): tf.Tensor[] {
  const found = new Set<tf.Tensor>();
  walkTree(x, (node) => {
    if (isTensor(node)) found.add(node);
    return !isTensor(node) && node !== null && typeof node === 'object';
  });
  return [...found];
}

/** Disposes every tensor found anywhere in a value (trees, states with numbers in them). */
export function disposeTree(x: unknown): void {
  for (const t of tensorsIn(x)) t.dispose();
}
