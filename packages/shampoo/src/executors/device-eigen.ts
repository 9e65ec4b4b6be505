/**
 * Full eigendecompositions on GPU backends, where tfjs has no eigensolver kernel and a
 * readback to the host is slow or impossible: the documented fallback that lets the
 * eigendecomposed and eigenvalue-corrected ('eigh') variants run with the device executor.
 *
 * An 'eigen' request for A (= F / bc, trace-scaled) is solved by cyclic Jacobi in float32
 * with tfjs ops only, warm-started from the factor's current eigenvectors Q0 (the identity
 * before the first root step):
 *   B = Q0^T A Q0;  repeat `sweeps` times, for each of the m - 1 rounds of a round-robin
 *   schedule (m = n rounded up to even, a padded index never rotates), rotate all m / 2
 *   disjoint pairs (p, q) at once:  B <- J^T B J,  U <- U J,  J = I except
 *   [J_pp J_pq; J_qp J_qq] = [c s; -s c],  t = tan(theta) = y sgn(x) / (|x| + sqrt(x^2 + y^2)),
 *   x = b_qq - b_pp, y = b_pq + b_qp (sgn(0) = 1; t = 0 when x = y = 0), c = 1 / sqrt(1 + t^2),
 *   s = t c, the rotation that zeroes b_pq (Golub & Van Loan, sym.schur2), skipped (t = 0)
 *   when |b_pq + b_qp| <= JACOBI_THRESHOLD max_i |b_ii|;
 *   Q = Q0 U, lambda = diag(B), sorted ascending.
 * Jacobi converges quadratically once B is nearly diagonal, so a warm start from the
 * previous basis needs few sweeps; rotations only mix rows and columns, so the cost is
 * O(n^2) per round, O(n^3) per sweep, in about 30 dispatches per round. Requests of the
 * same padded size m are solved together as one batch. The eigenvalues are then perturbed
 * as the host executor perturbs exact ones, lambda <- lambda - min(min_j lambda_j, 0) +
 * max(epsilon, c 2^-23 ||A||_F) (the float32 floor, damping-floor.ts). A non-finite result (a NaN or Inf in the factor) keeps the previous
 * eigenvectors with eigenvalues 1, so that factor is left unpreconditioned; all of it is
 * decided on the device, without a readback (results come back 'unchecked'), and the
 * status ('non-finite-factor', 'non-finite-root' or 'ok', the host's contract) follows one
 * step later, as for deviceRootExecutor (device-status.ts).
 *
 * 'inverse-root' requests with rankDeficiency 'pseudo-inverse' need the same
 * eigendecomposition (Jacobi from the identity): X = Q diag(f(lambda)) Q^T with
 * f(lambda) = 0 for lambda <= max(rankRtol max(lambda_max, 0), rankAtol), lambda^(-1/r) above
 * (the host's rule, root-solver.ts), the previous root kept where X is not finite.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tidyState } from '@shampoo-ts/core/authoring';
import { rankRtolFor } from '../root-solver.js';
import { rootOrder } from '../root-task.js';
import { checkWith, invalidParameter } from '../validate.js';
import { dampingFloorNotice } from '../damping-floor.js';
import { delayLine } from './delay-line.js';
import { deviceDamping } from './device-damping.js';
import { checkLateStatus, deviceMatrix, describeDeviceStatus, releaseResults, type DeviceRootExecutor } from './device-roots.js';
import { allFiniteTensor, deviceStatusBook, deviceStatusCode, type LateStatus } from './device-status.js';
import { forwardRootExecutor } from './forward.js';
import type { RootExecutor, RootRequest, RootResult } from './root-executor.js';

/**
 * Jacobi sweeps per root step for an n x n factor by default: ceil(log2 n) + 3, enough
 * from a cold start (the identity) in float32. Measured (npx tsx on the cpu backend,
 * random SPD with condition 1e3, residual max|A Q - Q diag(lambda)| / max|A| reaching its
 * float32 floor): n = 6 after 4 sweeps (default 6), n = 32 after 8 (default 8), n = 128
 * after 10 (default 10).
 */
export function defaultDeviceEigenSweeps(n: number): number {
  return Math.ceil(Math.log2(Math.max(n, 2))) + 3;
}

/** Options of the device eigendecomposition (the deprecated withDeviceEigen takes them). */
export interface DeviceEigenOptions {
  /** Jacobi sweeps per root step (integer >= 1). Default defaultDeviceEigenSweeps(n) for each factor size n. */
  sweeps?: number;
  /** How late statuses of 'eigen' tasks are reported (device-status.ts): 'defer' (default) or 'read'. */
  lateStatus?: LateStatus;
}

/** One round of the schedule: each index's partner, and sigma = +1 for the first of its pair, -1 for the second. */
export interface JacobiRound {
  readonly partner: Int32Array;
  readonly sigma: Float32Array;
}

/** The m - 1 rounds of the circle method for m (even) indices: every pair meets exactly once. */
export function roundRobinSchedule(m: number): JacobiRound[] {
  if (!Number.isInteger(m) || m < 2 || m % 2 !== 0) invalidParameter('roundRobinSchedule', 'm', m, 'an even integer >= 2');
  const ring = Array.from({ length: m }, (_, i) => i);
  const rounds: JacobiRound[] = [];
  for (let r = 0; r < m - 1; r++) {
    const partner = new Int32Array(m);
    const sigma = new Float32Array(m);
    for (let i = 0; i < m / 2; i++) {
      const p = ring[i];
      const q = ring[m - 1 - i];
      partner[p] = q;
      partner[q] = p;
      sigma[p] = 1;
      sigma[q] = -1;
    }
    ring.splice(1, 0, ring.pop() as number);
    rounds.push({ partner, sigma });
  }
  return rounds;
}

/**
 * A pair is not rotated when |b_pq + b_qp| <= JACOBI_THRESHOLD max_i |b_ii|: couplings at the
 * float32 rounding level only rotate inside clusters of equal eigenvalues (a rank-deficient
 * factor's null space), where every rotation costs orthogonality. Measured on random SPD
 * and clustered matrices, n <= 9 (test/executor-selection.test.ts): worst orthogonality
 * error 8.5e-6 without the threshold, 3.5e-7 at 1 eps, 2.3e-7 at 4 eps (this value), 1.8e-7
 * at 16 eps where the eigen residual grows from 1.8e-7 to 5.3e-7.
 */
export const JACOBI_THRESHOLD = 4 * 2 ** -23;

/** Rows i of every matrix of the batch x [g, m, m] become c_i x_i - s_i x_partner(i) (that is J^T x). */
function rotateRows(x: tf.Tensor3D, partner: tf.Tensor1D, c: tf.Tensor3D, s: tf.Tensor3D): tf.Tensor3D {
  return tf.sub(tf.mul(x, c), tf.mul(tf.gather(x, partner, 1), s));
}

/** The batch size Jacobi works at for an n x n matrix: n rounded up to even (at least 2). */
export function jacobiPaddedSize(n: number): number {
  return Math.max(n + (n % 2), 2);
}

/**
 * Eigendecompositions of symmetric matrices a[i] (n_i x n_i) by cyclic Jacobi (see the
 * module comment), warm-started from orthogonal q0[i], solved together as one batch: each
 * B_i = Q0_i^T A_i Q0_i is padded with zero rows and columns to the largest padded size m
 * (padded indices are coupled to nothing, so no rotation ever moves them). Returns, per
 * matrix, its eigenvalues ascending and eigenvectors (column j = vector j). New tensors;
 * the inputs are not disposed.
 */
export function jacobiEigenTensors(a: readonly tf.Tensor2D[], q0: readonly tf.Tensor2D[], sweeps: number): Array<{ values: tf.Tensor1D; vectors: tf.Tensor2D }> {
  if (a.length === 0) return [];
  const g = a.length;
  const size = Math.max(...a.map((x) => jacobiPaddedSize(x.shape[0])));
  const schedule = roundRobinSchedule(size);
  const out = tidyState(() => {
    let b = tf.stack(a.map((ai, i) => {
      const n = ai.shape[0];
      const bi = tf.matMul(q0[i], tf.matMul(ai, q0[i]), true, false);
      return tf.pad(tf.mul(tf.add(bi, tf.transpose(bi)), 0.5), [[0, size - n], [0, size - n]]);
    })) as tf.Tensor3D;
    let w: tf.Tensor3D = tf.tile(tf.expandDims(tf.eye(size), 0), [g, 1, 1]) as tf.Tensor3D; // U^T
    const diagonal = tf.tensor1d(Int32Array.from({ length: size }, (_, i) => i * (size + 1)), 'int32');
    const rounds = schedule.map((r) => ({
      partner: tf.tensor1d(r.partner, 'int32'),
      sigma: tf.tensor1d(r.sigma),
      partnerDiagonal: tf.tensor1d(Int32Array.from(r.partner, (p) => p * (size + 1)), 'int32'),
      offDiagonal: tf.tensor1d(Int32Array.from(r.partner, (p, i) => i * size + p), 'int32'),
      offDiagonalT: tf.tensor1d(Int32Array.from(r.partner, (p, i) => p * size + i), 'int32'),
    }));
    for (let sweep = 0; sweep < sweeps; sweep++) {
      for (const r of rounds) {
        const next = tf.tidy(() => {
          const flat = tf.reshape(b, [g, size * size]);
          const d = tf.gather(flat, diagonal, 1);
          const x = tf.mul(tf.sub(tf.gather(flat, r.partnerDiagonal, 1), d), r.sigma); // b_qq - b_pp for both of a pair
          const y = tf.add(tf.gather(flat, r.offDiagonal, 1), tf.gather(flat, r.offDiagonalT, 1)); // b_pq + b_qp
          const sgn = tf.sign(tf.add(tf.sign(x), 0.5));
          const rotation = tf.divNoNan(tf.mul(y, sgn), tf.add(tf.abs(x), tf.sqrt(tf.add(tf.square(x), tf.square(y)))));
          // Skip couplings at the rounding level: they only rotate within clusters of equal eigenvalues.
          const negligible = tf.lessEqual(tf.abs(y), tf.mul(tf.max(tf.abs(d), 1, true), JACOBI_THRESHOLD));
          const t = tf.where(negligible, tf.zerosLike(rotation), rotation);
          const c = tf.rsqrt(tf.add(tf.square(t), 1));
          const cc = tf.reshape(c, [g, size, 1]) as tf.Tensor3D;
          const ss = tf.reshape(tf.mul(tf.mul(t, c), r.sigma), [g, size, 1]) as tf.Tensor3D;
          const half = rotateRows(b, r.partner, cc, ss);
          const rotated = rotateRows(tf.transpose(half, [0, 2, 1]), r.partner, cc, ss);
          return [rotated, rotateRows(w, r.partner, cc, ss)] as [tf.Tensor3D, tf.Tensor3D];
        });
        tf.dispose([b, w]);
        [b, w] = next;
      }
    }
    const allValues = tf.unstack(tf.gather(tf.reshape(b, [g, size * size]), diagonal, 1)) as tf.Tensor1D[];
    const allW = tf.unstack(w) as tf.Tensor2D[];
    return a.map((ai, i) => {
      const n = ai.shape[0];
      const values = tf.slice(allValues[i], [0], [n]);
      const vectors = tf.matMul(q0[i], tf.slice(allW[i], [0, 0], [n, n]), false, true);
      const { values: negated, indices } = tf.topk(tf.neg(values), n, true);
      return { values: tf.neg(negated) as tf.Tensor1D, vectors: tf.gather(vectors, indices, 1) as tf.Tensor2D };
    });
  });
  return out;
}

/** A result solved here, its status code and the notice its code may flag (device-status.ts). */
type EigenSolved = RootResult & { code: tf.Scalar; notice?: string };

/** The result of one 'eigen' request of matrix `a`: perturbed, the fallback where not finite, and its status code. */
function eigenResult(r: RootRequest, a: tf.Tensor2D, values: tf.Tensor1D, vectors: tf.Tensor2D): EigenSolved {
  const [v, q, code] = tf.tidy(() => {
    // The pseudo-inverse (epsilon 0) keeps lambda as computed, as on the host (eigen-task.ts).
    const damping = r.spec.rankDeficiency === 'pseudo-inverse' ? null : deviceDamping(r.spec, a);
    const perturbed = damping === null ? values : tf.add(tf.sub(values, tf.minimum(tf.min(values), 0)), damping.epsilon);
    const finite = tf.logicalAnd(allFiniteTensor(perturbed), allFiniteTensor(vectors));
    return [tf.where(finite, perturbed, tf.onesLike(perturbed)), tf.where(finite, vectors, r.previous), deviceStatusCode(allFiniteTensor(a), finite, finite, damping?.floored)];
  });
  return { key: r.spec.key, status: 'unchecked', values: v as tf.Tensor1D, vectors: q as tf.Tensor2D, code: code as tf.Scalar, notice: dampingFloorNotice(r.spec.epsilon, r.spec.dampingFloor ?? 0) };
}

/** The pseudo-inverse root of an 'inverse-root' request of matrix `a` from its eigendecomposition (see the module comment). */
function pseudoInverseResult(r: RootRequest, a: tf.Tensor2D, values: tf.Tensor1D, vectors: tf.Tensor2D): EigenSolved {
  const { n, solver } = r.spec;
  const p = rootOrder(r.spec.exponent);
  const [root, code] = tf.tidy(() => {
    const cutoff = tf.maximum(tf.mul(tf.maximum(tf.max(values), 0), rankRtolFor(solver, n)), solver?.rankAtol ?? 0);
    const f = tf.where(tf.lessEqual(values, cutoff), tf.zerosLike(values), tf.pow(tf.maximum(values, cutoff), -1 / p));
    const x = tf.matMul(tf.mul(vectors, f), vectors, false, true);
    const finite = allFiniteTensor(x);
    return [tf.where(finite, x, r.previous), deviceStatusCode(allFiniteTensor(a), finite, finite)];
  });
  return { key: r.spec.key, status: 'unchecked', root: root as tf.Tensor2D, code: code as tf.Scalar };
}

/** Whether the device solves `r` by an eigendecomposition: 'eigen' tasks and pseudo-inverse roots. */
function needsEigen(r: RootRequest): boolean {
  return r.spec.kind === 'eigen' || (r.spec.kind === 'inverse-root' && r.spec.rankDeficiency === 'pseudo-inverse');
}

/** Solves every request that needs an eigendecomposition, one batch per padded size. */
function solveEigen(requests: readonly RootRequest[], sweeps: number | undefined): EigenSolved[] {
  const groups = new Map<number, RootRequest[]>();
  for (const r of requests) {
    const m = jacobiPaddedSize(r.spec.n);
    groups.set(m, [...(groups.get(m) ?? []), r]);
  }
  const results = new Map<string, EigenSolved>();
  for (const [m, group] of groups) {
    const out = tidyState(() => {
      const matrices = group.map((r) => deviceMatrix(r));
      // A pseudo-inverse root's `previous` is its previous root, not a basis: start from the identity.
      const starts = group.map((r) => (r.spec.kind === 'eigen' ? (r.previous as tf.Tensor2D) : tf.eye(r.spec.n)));
      const solved = jacobiEigenTensors(matrices, starts, sweeps ?? defaultDeviceEigenSweeps(m));
      return group.map((r, i) => (r.spec.kind === 'eigen' ? eigenResult : pseudoInverseResult)(r, matrices[i], solved[i].values, solved[i].vectors));
    });
    for (const res of out) results.set(res.key, res);
  }
  return requests.map((r) => results.get(r.spec.key)!);
}

/**
 * `device` (an executor with delay 0, such as the device executor's Newton and QR part)
 * extended with 'eigen' tasks solved on the device as described above; everything else is
 * forwarded to `device` (forward.ts). `owner` names it in error messages.
 */
export function addDeviceEigen(owner: string, device: RootExecutor, options: DeviceEigenOptions = {}): DeviceRootExecutor {
  const sweeps = options.sweeps === undefined ? undefined : checkWith(owner, 'sweeps', options.sweeps, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  if (device === null || typeof device !== 'object' || typeof device.submit !== 'function') {
    invalidParameter(owner, 'device', device, 'a RootExecutor such as deviceRootExecutor()');
  }
  if (device.delay !== 0) invalidParameter(owner, 'device.delay', device.delay, '0 (results are collected in the same step)');
  const pending = delayLine<RootResult[]>(0, releaseResults);
  const book = deviceStatusBook(checkLateStatus(owner, options.lateStatus ?? 'defer'));
  const inner = device as Partial<DeviceRootExecutor>;
  const kinds = [...new Set([...device.kinds, 'eigen' as const])];
  return forwardRootExecutor(device, {
    delay: 0,
    kinds,
    get fallbackReads() {
      return book.fallbackReads + (inner.fallbackReads ?? 0);
    },
    async whenReady() {
      await Promise.all([book.whenReady(), inner.whenReady?.()]);
    },
    submit(step: number, requests: readonly RootRequest[]) {
      const eigen = requests.filter(needsEigen);
      const others = requests.filter((r) => !needsEigen(r));
      device.submit(step, others);
      const solved = eigen.length > 0 ? solveEigen(eigen, sweeps) : [];
      if (solved.length > 0) {
        const codes = tf.stack(solved.map((s) => s.code));
        tf.dispose(solved.map((s) => s.code));
        book.record(step, solved.map((s) => s.key), codes, describeDeviceStatus, solved.map((s) => s.notice));
      }
      pending.put(step, solved.map(({ code: _code, notice: _notice, ...result }) => result));
    },
    collect(step: number) {
      const due = pending.due(step) ?? [];
      pending.done(step);
      // The device has delay 0: its results for `step` (and its late statuses) are ready now.
      return book.attach(step, [...device.collect(step), ...due]);
    },
  });
}
