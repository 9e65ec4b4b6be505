/**
 * Comparing tensors and trees of tensors in tests, with messages that say where they differ.
 * These read values with `dataSync()` (fine on cpu and wasm; on webgpu read in a test only).
 */
import * as tf from '@tensorflow/tfjs-core';
import { firstStructureDifference, leavesWithPaths, type TensorTree } from '@shampoo-ts/core';
import { pathLabel } from '@shampoo-ts/core/authoring';

/** Result of a comparison: `ok`, and a message naming the worst place when not ok. */
export interface Check {
  ok: boolean;
  message: string;
}

/** Tolerances of `tensorsClose`: |a - b| <= atol + rtol |b| element-wise. */
export interface Tolerance {
  rtol?: number;
  atol?: number;
  /** Count NaN == NaN as close (same positions only). Default false. */
  equalNan?: boolean;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

function readable(t: tf.Tensor, name: string): void {
  if (!(t instanceof tf.Tensor)) throw new TypeError(`${name} is ${t === null ? 'null' : typeof t}; allowed: a tf.Tensor`);
  if (t.isDisposed) throw new Error(`${name} (shape [${t.shape.join(',')}]) is disposed`);
}

/**
 * Element-wise closeness in the numpy sense, with `b` the reference:
 * ok iff shapes and dtypes agree and |a_i - b_i| <= atol + rtol |b_i| for every i.
 * NaN is never close (unless equalNan and both NaN); +-Infinity is close only to itself.
 * The message names the worst multi-index (largest |a_i - b_i| - atol - rtol |b_i|),
 * both values and how many elements are out of tolerance. Defaults rtol 1e-5, atol 1e-8.
 */
export function tensorsClose(a: tf.Tensor, b: tf.Tensor, tol: Tolerance = {}): Check {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = tol;
  if (!(rtol >= 0) || !(atol >= 0)) throw new RangeError(`tensorsClose: rtol = ${rtol}, atol = ${atol}; allowed: numbers >= 0`);
  readable(a, 'a');
  readable(b, 'b');
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    return { ok: false, message: `shapes differ: [${a.shape.join(',')}] vs [${b.shape.join(',')}]` };
  }
  if (a.dtype !== b.dtype) return { ok: false, message: `dtypes differ: ${a.dtype} vs ${b.dtype}` };
  const x = a.dataSync() as ArrayLike<number>;
  const y = b.dataSync() as ArrayLike<number>;
  let worst = -1;
  let worstExcess = -Infinity;
  let bad = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = Number(x[i]);
    const yi = Number(y[i]);
    let excess: number;
    if (Number.isNaN(xi) || Number.isNaN(yi)) excess = equalNan && Number.isNaN(xi) && Number.isNaN(yi) ? -Infinity : Infinity;
    else if (xi === yi) excess = -Infinity; // covers equal infinities
    else excess = Math.abs(xi - yi) - (atol + rtol * Math.abs(yi));
    if (excess > 0) bad++;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (bad === 0) return { ok: true, message: 'close' };
  const idx = unravel(worst, a.shape);
  return {
    ok: false,
    message:
      `${bad} of ${x.length} elements out of tolerance (rtol ${rtol}, atol ${atol}); worst at [${idx.join(',')}]: ` +
      `${x[worst]} vs ${y[worst]} (|diff| = ${Math.abs(Number(x[worst]) - Number(y[worst]))})`,
  };
}

/** Throws `tensorsClose(actual, expected, tol).message` (with `name`) unless ok. */
export function expectTensorsClose(actual: tf.Tensor, expected: tf.Tensor, tol: Tolerance = {}, name = 'tensor'): void {
  const r = tensorsClose(actual, expected, tol);
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
}

/**
 * Trees close leaf by leaf: same structure and shapes (the first differing path is
 * named), then `tensorsClose` on every leaf; the error names the path of the first leaf out
 * of tolerance, e.g. `at 'dense1/kernel': 1 of 6 elements ... worst at [0,2] ...`.
 * A number `tol` means rtol = atol = tol.
 */
export function expectTreesClose(actual: TensorTree, expected: TensorTree, tol: Tolerance | number = {}): void {
  const t = typeof tol === 'number' ? { rtol: tol, atol: tol } : tol;
  const d = firstStructureDifference(expected, actual, true);
  if (d) throw new Error(`trees differ in structure at ${pathLabel(d.path)}: expected ${d.left}, actual ${d.right}`);
  const exp = leavesWithPaths(expected);
  leavesWithPaths(actual).forEach(([path, leaf], i) => {
    const r = tensorsClose(leaf, exp[i][1], t);
    if (!r.ok) throw new Error(`trees differ at ${pathLabel(path)}: ${r.message}`);
  });
}

function bits(t: tf.Tensor): ArrayLike<number> {
  const data = t.dataSync();
  if (data instanceof Float32Array) return new Uint32Array(data.buffer, data.byteOffset, data.length);
  return data as ArrayLike<number>;
}

/**
 * Bit-for-bit equality of two trees: same structure, shapes and dtypes, and identical
 * bit patterns in every leaf (so -0 differs from 0 and NaN payloads count). The message
 * names the first differing path and flat index.
 */
export function bitwiseEqualTrees(a: TensorTree, b: TensorTree): Check {
  const d = firstStructureDifference(a, b, true);
  if (d) return { ok: false, message: `structure differs at ${pathLabel(d.path)}: ${d.left} vs ${d.right}` };
  const lb = leavesWithPaths(b);
  for (const [i, [path, x]] of leavesWithPaths(a).entries()) {
    const y = lb[i][1];
    readable(x, `a at ${pathLabel(path)}`);
    readable(y, `b at ${pathLabel(path)}`);
    if (x.dtype !== y.dtype) return { ok: false, message: `dtype differs at ${pathLabel(path)}: ${x.dtype} vs ${y.dtype}` };
    const bx = bits(x);
    const by = bits(y);
    for (let k = 0; k < bx.length; k++) {
      if (bx[k] !== by[k]) {
        const vx = x.dataSync()[k];
        const vy = y.dataSync()[k];
        return { ok: false, message: `bits differ at ${pathLabel(path)} [${unravel(k, x.shape).join(',')}]: ${vx} vs ${vy}` };
      }
    }
  }
  return { ok: true, message: 'bitwise equal' };
}

/** Throws `bitwiseEqualTrees(actual, expected).message` unless ok. */
export function expectBitwiseEqualTrees(actual: TensorTree, expected: TensorTree): void {
  const r = bitwiseEqualTrees(actual, expected);
  if (!r.ok) throw new Error(`trees are not bitwise equal: ${r.message}`);
}
