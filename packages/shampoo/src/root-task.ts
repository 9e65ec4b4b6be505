/**
 * The root computation as plain data: a pure function from factor matrices (Float64Array)
 * to roots or eigenbases. It imports no tfjs, holds no state and its inputs and outputs
 * are transferable (typed arrays, numbers, strings), so the same function runs inline on
 * the training thread, on worker_threads or in another process (MPI).
 *
 * For a task with factor F (n x n, symmetric PSD), bias correction bc and trace exponent tau:
 *   A = F / bc;  if tau > 0: A = A / max(trace(A), eps)^tau;  a NaN or Inf in A -> status 'non-finite-factor'
 *   'inverse-root': X = (A + eps I)^(-exponent)        (linalg.inverseRoot with the `solver` settings
 *                   of root-solver.ts: damping, pseudo-inverse tolerances, iteration limits),
 *                   eps = max(epsilon, c 2^-23 ||A||_F) with rankDeficiency 'perturbation'
 *                   (damping-floor.ts; the outcome's `notice` says when the floor won)
 *   'eigen':        A = Q diag(lambda) Q^T, lambda <- lambda - min(lambda_min, 0) + eps, or the
 *                   previous Q kept when it still diagonalises A within `tolerance`
 *   'eigen-qr':     Q from one or more warm-started QR steps from the previous Q
 *                   (linalg.qrIterationEigenbasis): SOAP's eigenbasis refresh
 *   (both in eigen-task.ts)
 * A solver that does not converge gives status 'failed' (the caller keeps the previous
 * root); a result with a NaN or Inf gives 'non-finite-root' (the caller throws). As in the
 * reference, a coupled iteration that stops at its iteration limit with a finite root is
 * used: status 'ok' with a `warning`, not a failure ('higher-order' still fails above the
 * residual max|A_r X^p - I| = 0.1, where the reference raises).
 * Every 'ok' outcome carries `condition`, kappa of the damped matrix in use (condition.ts:
 * from the eigenvalues for the eigen kinds and the direct 'eigen' inverse root, by power
 * iteration on A and X for the iterative inverse roots).
 */
import { inverseRoot, type InverseRootOptions, type RankDeficiency, frobeniusNorm, traceScale, unpackSymmetric } from '@shampoo-ts/linalg';
import { dampingFloorNotice, effectiveEpsilon } from './damping-floor.js';
import { eigenOutcome } from './eigen-task.js';
import { eigenvalueCondition, rootCondition, type ConditionSource } from './condition.js';
import { HIGHER_ORDER_DEFAULTS, NEWTON_DEFAULTS, rankRtolFor, type RootSolverSettings } from './root-solver.js';

/** What is computed for a factor. */
export type RootTaskKind = 'inverse-root' | 'eigen' | 'eigen-qr';

/** Solver of 'inverse-root' tasks (see @shampoo-ts/linalg inverseRoot). */
export type InverseRootMethod = 'eigen' | 'newton' | 'higher-order';

/** Scalar settings of a task: everything but the matrices (shared by host and device paths). */
export interface RootTaskSpec {
  /** Identifies the factor: `<block key>/<dim>`. */
  readonly key: string;
  readonly kind: RootTaskKind;
  /** Side of the factor. */
  readonly n: number;
  /** The factor is stored as its packed upper triangle, n(n+1)/2 numbers (else n*n row-major). */
  readonly packed: boolean;
  /** A = F / biasCorrection. */
  readonly biasCorrection: number;
  /** Trace-scaling exponent tau (A / trace(A)^tau); 0 = off. */
  readonly traceScalingExponent: number;
  /** The root's inverse exponent e: X = A^(-e) ('inverse-root'; ignored by the eigen kinds). */
  readonly exponent: number;
  /** Damping: A + eps I ('inverse-root'), or the perturbation of the eigenvalues ('eigen'). */
  readonly epsilon: number;
  /** c of the damping floor: with the perturbation, damp with max(epsilon, c 2^-23 ||A||_F) (damping-floor.ts). Absent or 0: off. */
  readonly dampingFloor?: number;
  /** 'pseudo-inverse' requires epsilon = 0 and maps small eigenvalues to 0. */
  readonly rankDeficiency: 'perturbation' | 'pseudo-inverse';
  /** Solver for 'inverse-root'. */
  readonly method: InverseRootMethod;
  /** QR steps for 'eigen-qr' (SOAP uses 1). */
  readonly qrSteps: number;
  /** Eigen kinds: keep / stop at Q when ||offdiag(Q^T A Q)||_F <= tolerance ||Q^T A Q||_F, in [0, 1] (0 = never skip). */
  readonly tolerance: number;
  /** 'inverse-root': solver settings (root-solver.ts); absent fields take the reference's defaults. */
  readonly solver?: RootSolverSettings;
}

/** A task: the spec plus the factor (float64) and, where the kind needs them, the previous eigenvectors. */
export interface RootTask extends RootTaskSpec {
  readonly factor: Float64Array;
  /** Previous eigenvectors, n*n row-major (column j = vector j); 'eigen-qr', and 'eigen' with tolerance > 0. */
  readonly previousVectors?: Float64Array;
}

/** How a task ended. */
export type RootStatus = 'ok' | 'failed' | 'non-finite-factor' | 'non-finite-root';

/** The outcome of one task, plain data. */
export interface RootOutcome {
  readonly key: string;
  readonly status: RootStatus;
  /** Why it failed, for the warning or the error. */
  readonly message?: string;
  /** 'inverse-root': X, n*n row-major. */
  readonly root?: Float64Array;
  /** Eigen kinds: eigenvalues (perturbed, or as computed for the pseudo-inverse), in the order of `vectors`' columns. */
  readonly values?: Float64Array;
  /** 'eigen' / 'eigen-qr': eigenvectors, n*n row-major, column j = vector j. */
  readonly vectors?: Float64Array;
  /** Solver residual where the solver reports one. */
  readonly residual?: number;
  readonly iterations?: number;
  /** 'ok' results the caller should warn about (a coupled iteration that hit its iteration limit). */
  readonly warning?: string;
  /** 'ok': the condition number of the damped matrix in use, and how it was found (condition.ts). */
  readonly condition?: number;
  readonly conditionSource?: ConditionSource;
  /** A warning the caller gives once per optimizer (the damping floor replaced epsilon, damping-floor.ts). */
  readonly notice?: string;
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * The matrix A of a task (full n*n, float64): F / bc, then trace scaling. null when F / bc
 * has a NaN or Inf (checked before trace scaling, which would reject it).
 */
export function preparedMatrix(task: RootTask): Float64Array | null {
  if (!allFinite(task.factor)) return null;
  const full = task.packed ? unpackSymmetric(task.factor, task.n) : Float64Array.from(task.factor);
  if (task.biasCorrection !== 1) for (let i = 0; i < full.length; i++) full[i] /= task.biasCorrection;
  if (!allFinite(full)) return null;
  return task.traceScalingExponent > 0 ? traceScale(full, task.n, task.traceScalingExponent, task.epsilon) : full;
}

/** r = 1 / exponent, snapped to the nearest integer when within 1e-9 (1/(1/6) and friends). */
export function rootOrder(exponent: number): number {
  const r = 1 / exponent;
  return Math.abs(r - Math.round(r)) <= 1e-9 * r ? Math.round(r) : r;
}

/** Runs one task (see the module comment). Never throws for numerical trouble: it reports it. */
export function computeRoot(task: RootTask): RootOutcome {
  const { key, n } = task;
  let a: Float64Array | null;
  try {
    a = preparedMatrix(task);
  } catch (err) {
    return { key, status: 'failed', message: `preparing factor '${key}' threw: ${(err as Error).message}` };
  }
  if (a === null || !allFinite(a)) return { key, status: 'non-finite-factor', message: `factor '${key}' contains NaN or Inf` };
  try {
    return withCondition(task, a, task.kind === 'inverse-root' ? inverseRootOutcome(task, a) : eigenOutcome(task, a));
  } catch (err) {
    return { key, status: 'failed', message: `root computation of '${key}' threw: ${(err as Error).message}` };
  }
}

/**
 * An 'ok' outcome with the condition number of its damped matrix (condition.ts; the damping
 * is eps_eff of damping-floor.ts, as the root used); others unchanged.
 */
function withCondition(task: RootTask, a: Float64Array, outcome: RootOutcome): RootOutcome {
  if (outcome.status !== 'ok' || outcome.condition !== undefined) return outcome;
  if (outcome.values) return { ...outcome, condition: eigenvalueCondition(outcome.values), conditionSource: 'eigenvalues' };
  if (!outcome.root) return outcome;
  const epsilon = effectiveEpsilon(task.epsilon, task.dampingFloor, frobeniusNorm(a));
  return { ...outcome, condition: rootCondition(a, outcome.root, task.n, rootOrder(task.exponent), epsilon), conditionSource: 'power-iteration' };
}

/**
 * The linalg.inverseRoot options of an 'inverse-root' task for its prepared matrix `a` (see
 * root-solver.ts for the defaults), and the absolute damping the settings ask for; with the
 * perturbation, the damping used is floored at c 2^-23 ||A||_F (damping-floor.ts).
 */
function inverseRootOptions(task: RootTask, a: Float64Array): { options: InverseRootOptions; requested: number } {
  const solver = task.solver ?? {};
  const root = rootOrder(task.exponent);
  const norm = frobeniusNorm(a);
  if (task.method === 'newton') {
    const { maxIterations, tolerance } = { ...NEWTON_DEFAULTS, ...solver.newton };
    return { options: { root, method: 'newton', epsilon: effectiveEpsilon(task.epsilon, task.dampingFloor, norm), maxIterations, tolerance }, requested: task.epsilon };
  }
  if (task.method === 'higher-order') {
    const ho = { ...HIGHER_ORDER_DEFAULTS, absoluteEpsilon: task.epsilon, ...solver.higherOrder };
    const options: InverseRootOptions = { root, method: 'higher-order', epsilon: effectiveEpsilon(ho.absoluteEpsilon, task.dampingFloor, norm), relativeEpsilon: ho.relativeEpsilon, order: ho.order, maxIterations: ho.maxIterations, tolerance: ho.tolerance };
    return { options, requested: ho.absoluteEpsilon };
  }
  const pseudo = task.rankDeficiency === 'pseudo-inverse';
  const rankDeficiency: RankDeficiency = pseudo
    ? { mode: 'pseudo-inverse', rtol: rankRtolFor(solver, task.n), atol: solver.rankAtol ?? 0 }
    : { mode: 'perturbation', perturbBeforeComputation: solver.perturbBeforeComputation ?? true };
  const epsilon = pseudo ? task.epsilon : effectiveEpsilon(task.epsilon, task.dampingFloor, norm);
  // The direct eigen method always converges; skip its 3n^3-flop residual.
  return { options: { root, method: 'eigen', epsilon, relativeEpsilon: solver.relativeEpsilon ?? 0, rankDeficiency, measureResidual: false }, requested: task.epsilon };
}

/** Runs an 'inverse-root' task on its prepared matrix `a` (statuses as in the module comment). */
function inverseRootOutcome(task: RootTask, a: Float64Array): RootOutcome {
  const { key, n } = task;
  const { options, requested } = inverseRootOptions(task, a);
  const r = inverseRoot(a, n, options);
  const notice = (options.epsilon ?? 0) > requested ? { notice: dampingFloorNotice(requested, task.dampingFloor ?? 0) } : {};
  if (!allFinite(r.root)) return { key, status: 'non-finite-root', message: `the root of '${key}' contains NaN or Inf`, residual: r.residual };
  // linalg reports Newton at its limit as not converged; the reference uses that root (with a warning).
  const atLimit = r.termination === 'max-iterations';
  if (!r.converged && !(atLimit && task.method === 'newton')) {
    return { key, status: 'failed', message: `the ${task.method} solver did not converge for '${key}' (residual ${r.residual})`, residual: r.residual, iterations: r.iterations };
  }
  const warning = !atLimit
    ? undefined
    : `the ${task.method} iteration for '${key}' reached its limit of ${r.iterations} iterations without meeting its tolerance (residual ${r.residual}); using the root`;
  // The direct method decomposed A + eps I: its condition number comes for free (condition.ts).
  const condition = r.eigen ? { condition: eigenvalueCondition(r.eigen.values), conditionSource: 'eigenvalues' as const } : {};
  return { key, status: 'ok', root: r.root, residual: r.residual, iterations: r.iterations, ...condition, ...(warning === undefined ? {} : { warning }), ...notice };
}

/**
 * Checks that a compute function returned one outcome per task (what every executor
 * relies on to match outcomes to requests); throws `${owner}: compute returned ...` if not.
 */
export function checkOutcomeCount(owner: string, outcomes: unknown, taskCount: number): RootOutcome[] {
  if (!Array.isArray(outcomes) || outcomes.length !== taskCount) {
    const got = Array.isArray(outcomes) ? outcomes.length : typeof outcomes;
    throw new RangeError(`${owner}: compute returned ${got} outcomes for ${taskCount} tasks; allowed: one per task`);
  }
  return outcomes as RootOutcome[];
}

/** Runs every task in order: the pure function every executor calls (inline, on workers, over MPI). */
export function computeRoots(tasks: readonly RootTask[]): RootOutcome[] {
  return tasks.map(computeRoot);
}
