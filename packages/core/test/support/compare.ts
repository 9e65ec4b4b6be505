/** Comparisons for tests: values of trees and states on the host. */
import * as tf from '@tensorflow/tfjs';
import { leavesWithPaths, type TensorTree } from '@shampoo-ts/core';

/** Leaves of a tree as `{ path: number[] }`. */
export function treeValues(tree: TensorTree): Record<string, number[]> {
  return Object.fromEntries(leavesWithPaths(tree).map(([p, t]) => [p, Array.from(t.dataSync())]));
}

/** max over elements of |a - b| / (atol + rtol |b|); <= 1 means within tolerance. */
export function toleranceRatio(a: TensorTree, b: TensorTree, atol: number, rtol: number): number {
  const av = treeValues(a);
  const bv = treeValues(b);
  let worst = 0;
  for (const [path, xs] of Object.entries(av)) {
    const ys = bv[path];
    if (ys === undefined || ys.length !== xs.length) throw new Error(`different leaves at ${path}`);
    xs.forEach((x, i) => {
      const r = Math.abs(x - ys[i]) / (atol + rtol * Math.abs(ys[i]));
      worst = Math.max(worst, Number.isNaN(r) ? Infinity : r);
    });
  }
  return worst;
}

/** Max absolute and relative elementwise differences between two trees. */
export function maxDiff(a: TensorTree, b: TensorTree): { abs: number; rel: number } {
  const av = treeValues(a);
  const bv = treeValues(b);
  let abs = 0;
  let rel = 0;
  for (const [path, xs] of Object.entries(av)) {
    xs.forEach((x, i) => {
      const d = Math.abs(x - bv[path][i]);
      abs = Math.max(abs, d);
      rel = Math.max(rel, d / Math.max(Math.abs(bv[path][i]), 1e-30));
    });
  }
  return { abs, rel };
}

/** Bit-for-bit equality of states: core's stateFingerprint. */
export { stateFingerprint as stateBytes } from '@shampoo-ts/core';
