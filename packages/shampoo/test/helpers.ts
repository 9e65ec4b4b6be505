/** Small helpers shared by the shampoo tests (float64 oracles built on the testing kit). */
import * as tf from '@tensorflow/tfjs';
import { disposeTree, type GradientTransformation, type OptionProblem, type TensorTree } from '@shampoo-ts/core';
import type { RootExecutor, RootTaskSpec } from '@shampoo-ts/shampoo';
import { jacobiEigen, type seededRandom } from '@shampoo-ts/testing';

/** A^p for a symmetric A by the testing kit's Jacobi eigensolver (independent of linalg). */
export function symmetricPower(a: ArrayLike<number>, n: number, p: number): Float64Array {
  const { values, vectors } = jacobiEigen(Float64Array.from(a), n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const f = values[k] ** p;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] += vectors[i * n + k] * f * vectors[j * n + k];
  }
  return out;
}

/** C = A B for row-major matrices (m x k)(k x n). */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let l = 0; l < k; l++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * k + l] * b[l * n + j];
  return c;
}

/** A^T (rows x cols -> cols x rows). */
export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** Runs `tx` on a sequence of gradients for one parameter tree; returns every update's data and the final state. */
export function runUpdates<S>(
  tx: GradientTransformation<any>,
  params: TensorTree,
  grads: TensorTree[],
): { updates: Float32Array[][]; state: S } {
  let state = tx.init(params);
  const updates: Float32Array[][] = [];
  for (const g of grads) {
    const [u, next] = tx.update(g, state, params);
    const leaves: Float32Array[] = [];
    tf.tidy(() => {
      const flat = Array.isArray(u) ? u : u instanceof tf.Tensor ? [u] : Object.values(u as object);
      for (const t of flat as tf.Tensor[]) leaves.push(t.dataSync() as Float32Array);
    });
    updates.push(leaves);
    disposeTree(u);
    disposeTree(state);
    state = next;
  }
  return { updates, state: state as S };
}

/** Asserts |got - want| <= atol + rtol |want| elementwise, naming the first bad index. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol = 0, what = 'value'): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= atol + rtol * Math.abs(want[i]))) {
      throw new Error(`${what}[${i}] = ${got[i]}, expected ${want[i]} (|err| ${err} > ${atol} + ${rtol} * |expected|)`);
    }
  }
}

/** Bit-for-bit equality of states: core's stateFingerprint. */
export { stateFingerprint as stateBytes } from '@shampoo-ts/core';

/** The spec of an n x n 'inverse-root' task of block 'w#0/0' (full storage, exponent 1/2, eigen, no damping), with overrides. */
export function inverseRootSpec(n: number, over: Partial<RootTaskSpec> = {}): RootTaskSpec {
  return {
    key: 'w#0/0', kind: 'inverse-root', n, packed: false, biasCorrection: 1, traceScalingExponent: 0,
    exponent: 0.5, epsilon: 0, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0, ...over,
  };
}

/** The fields of the option error `f` throws (owner, option, value, allowed) and the error; fails if it does not throw. */
export function problem(f: () => unknown): OptionProblem & { error: unknown } {
  try {
    f();
  } catch (error) {
    const { owner, option, value, allowed } = error as OptionProblem;
    return { owner, option, value, allowed, error };
  }
  throw new Error('expected a throw');
}

/**
 * A float32 factor sum_k s_k g_k g_k^T of `rank` outer products of Gaussian vectors from `rng`,
 * s_k log-spaced from 1 down to 1/cond (the statistics of rank-deficient, ill-conditioned gradients).
 */
export function lowRankFactor(n: number, rank: number, cond: number, rng: ReturnType<typeof seededRandom>): Float32Array {
  const f = new Float64Array(n * n);
  for (let k = 0; k < rank; k++) {
    const s = rank === 1 ? 1 : cond ** (-k / (rank - 1));
    const g = Array.from({ length: n }, () => rng.gaussian());
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) f[i * n + j] += s * g[i] * g[j];
  }
  return Float32Array.from(f);
}

/** The root one executor computes for an n x n float32 `factor` (previous root I), and the result's notice. */
export function rootBy(executor: RootExecutor, spec: RootTaskSpec, factor: Float32Array): { root: Float32Array; notice?: string } {
  const f = tf.tensor2d(factor, [spec.n, spec.n]);
  const previous = tf.eye(spec.n);
  executor.submit(1, [{ spec, factor: f, previous }]);
  const [r] = executor.collect(1);
  const root = Float32Array.from(r.root!.dataSync());
  tf.dispose([f, previous, r.root!]);
  return { root, ...(r.notice === undefined ? {} : { notice: r.notice }) };
}

/** max_i |got_i - want_i| / max_i |want_i|: a root's error relative to its largest entry. */
export function relativeToLargest(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  let gap = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    gap = Math.max(gap, Math.abs(got[i] - want[i]));
  }
  return gap / scale;
}
