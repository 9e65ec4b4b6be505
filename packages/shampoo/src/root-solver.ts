/**
 * The settings of the inverse-root solvers (the reference's RootInvConfig family:
 * EigenConfig with its RankDeficientStabilityConfig, CoupledNewtonConfig,
 * CoupledHigherOrderConfig), their defaults and their validation. They are set on the
 * 'root-inverse' and 'kl-shampoo' preconditioners and travel in every 'inverse-root'
 * RootTaskSpec as `solver`, so every executor reads the same values.
 *
 * For a factor A (n x n, after bias correction and trace scaling) and Shampoo's epsilon:
 * - method 'eigen', perturbation: damping eps = max(relativeEpsilon * lambda_max(A), epsilon);
 *   `perturbBeforeComputation` (default true) decomposes A + epsilon I, else A (linalg inverseRoot).
 * - method 'eigen', pseudo-inverse: eigenvalues <= max(rankRtol * lambda_max, rankAtol) map to
 *   0; rankRtol defaults to n * 2^-23 (the reference's rank_rtol = None rule, n eigenvalues
 *   times the machine epsilon of the float32 factor), rankAtol to 0.
 * - method 'newton': at most newton.maxIterations (100) steps, stop at max|M - I| <=
 *   newton.tolerance (1e-6), on A + epsilon I.
 * - method 'higher-order': ridge max(higherOrder.relativeEpsilon ||A||_inf,
 *   higherOrder.absoluteEpsilon) (defaults 0 and Shampoo's epsilon; Shampoo's epsilon is not
 *   added on top, as in the reference), order 3, maxIterations 100, tolerance 1e-8.
 */
import { checkBoolean, checkKnownOptions } from '@shampoo-ts/core/authoring';
import { checkWith, invalidParameter } from './validate.js';

/** Coupled Newton settings (the reference's CoupledNewtonConfig). */
export interface NewtonSettings {
  /** Integer >= 1. Default 100. */
  readonly maxIterations?: number;
  /** Stop when max|M - I| <= tolerance; finite, >= 0. Default 1e-6. */
  readonly tolerance?: number;
}

/** Coupled higher-order settings (the reference's CoupledHigherOrderConfig). */
export interface HigherOrderSettings {
  /** Order of the method, integer >= 2 (2 is Newton). Default 3. */
  readonly order?: number;
  /** Absolute ridge, >= 0. Default: Shampoo's epsilon. */
  readonly absoluteEpsilon?: number;
  /** Relative ridge (times ||A||_inf, a bound on lambda_max), >= 0. Default 0. */
  readonly relativeEpsilon?: number;
  /** Integer >= 1. Default 100. */
  readonly maxIterations?: number;
  /** Finite, >= 0. Default 1e-8. */
  readonly tolerance?: number;
}

/** Every solver setting of an 'inverse-root' task; all optional (defaults in the module comment). */
export interface RootSolverSettings {
  /** Pseudo-inverse: relative rank tolerance, >= 0. Default n * 2^-23 for an n x n factor. */
  readonly rankRtol?: number;
  /** Pseudo-inverse: absolute rank tolerance, >= 0. Default 0. */
  readonly rankAtol?: number;
  /** Perturbation with method 'eigen': add epsilon I before the eigendecomposition. Default true. */
  readonly perturbBeforeComputation?: boolean;
  /** Perturbation with method 'eigen': damping max(relativeEpsilon * lambda_max, epsilon), >= 0. Default 0. */
  readonly relativeEpsilon?: number;
  readonly newton?: NewtonSettings;
  readonly higherOrder?: HigherOrderSettings;
}

/** The reference's defaults. */
export const NEWTON_DEFAULTS = { maxIterations: 100, tolerance: 1e-6 } as const;
export const HIGHER_ORDER_DEFAULTS = { order: 3, relativeEpsilon: 0, maxIterations: 100, tolerance: 1e-8 } as const;

/** Machine epsilon of float32, the dtype of every factor. */
export const FLOAT32_EPS = 2 ** -23;

/** The pseudo-inverse's relative rank tolerance for an n x n factor: rankRtol, or n * 2^-23. */
export function rankRtolFor(solver: RootSolverSettings | undefined, n: number): number {
  return solver?.rankRtol ?? n * FLOAT32_EPS;
}

const SOLVER_KEYS = ['rankRtol', 'rankAtol', 'perturbBeforeComputation', 'relativeEpsilon', 'newton', 'higherOrder'] as const;
const NEWTON_KEYS = ['maxIterations', 'tolerance'];
const HIGHER_ORDER_KEYS = ['order', 'absoluteEpsilon', 'relativeEpsilon', 'maxIterations', 'tolerance'];

/** `value` must be an object whose keys are among `keys` (core's checkKnownOptions). */
function checkKeys(owner: string, name: string, value: unknown, keys: readonly string[]): Record<string, unknown> {
  checkKnownOptions(`${owner}: ${name}`, value as object, keys, true);
  return value as Record<string, unknown>;
}

const nonNegative = (x: number) => x >= 0 && Number.isFinite(x);
const integerAtLeast = (min: number) => (x: number) => Number.isInteger(x) && x >= min;

/**
 * Checks the solver fields of a 'root-inverse' / 'kl-shampoo' preconditioner `p`
 * (`preconditioner.<field>` in messages) against `method` and `rankDeficiency`: ranges,
 * unknown keys of `newton` / `higherOrder`, and settings that the chosen solver would
 * ignore (pseudo-inverse tolerances without the pseudo-inverse, relativeEpsilon outside
 * 'eigen' with perturbation, newton / higherOrder with another method). Returns the
 * settings to put in the task specs.
 */
export function checkRootSolver(owner: string, p: Record<string, unknown>, method: string, rankDeficiency: string): RootSolverSettings {
  const name = (k: string) => `preconditioner.${k}`;
  const onlyWith = (k: string, ok: boolean, allowed: string) => {
    if (p[k] !== undefined && !ok) invalidParameter(owner, name(k), p[k], `unset unless ${allowed}`);
  };
  const pseudo = rankDeficiency === 'pseudo-inverse';
  onlyWith('rankRtol', pseudo, "rankDeficiency is 'pseudo-inverse'");
  onlyWith('rankAtol', pseudo, "rankDeficiency is 'pseudo-inverse'");
  onlyWith('perturbBeforeComputation', !pseudo && method === 'eigen', "method is 'eigen' with rankDeficiency 'perturbation'");
  onlyWith('relativeEpsilon', !pseudo && method === 'eigen', "method is 'eigen' with rankDeficiency 'perturbation' (for 'higher-order' use preconditioner.higherOrder.relativeEpsilon)");
  onlyWith('newton', method === 'newton', "method is 'newton'");
  onlyWith('higherOrder', method === 'higher-order', "method is 'higher-order'");
  const out: { -readonly [K in keyof RootSolverSettings]: RootSolverSettings[K] } = {};
  if (p.rankRtol !== undefined) out.rankRtol = checkWith(owner, name('rankRtol'), p.rankRtol, nonNegative, 'a finite number >= 0');
  if (p.rankAtol !== undefined) out.rankAtol = checkWith(owner, name('rankAtol'), p.rankAtol, nonNegative, 'a finite number >= 0');
  if (p.perturbBeforeComputation !== undefined) out.perturbBeforeComputation = checkBoolean(owner, name('perturbBeforeComputation'), p.perturbBeforeComputation);
  if (p.relativeEpsilon !== undefined) out.relativeEpsilon = checkWith(owner, name('relativeEpsilon'), p.relativeEpsilon, nonNegative, 'a finite number >= 0');
  if (p.newton !== undefined) {
    const nw = checkKeys(owner, name('newton'), p.newton, NEWTON_KEYS);
    out.newton = {
      ...(nw.maxIterations === undefined ? {} : { maxIterations: checkWith(owner, name('newton.maxIterations'), nw.maxIterations, integerAtLeast(1), 'an integer >= 1') }),
      ...(nw.tolerance === undefined ? {} : { tolerance: checkWith(owner, name('newton.tolerance'), nw.tolerance, nonNegative, 'a finite number >= 0') }),
    };
  }
  if (p.higherOrder !== undefined) {
    const ho = checkKeys(owner, name('higherOrder'), p.higherOrder, HIGHER_ORDER_KEYS);
    const field = (k: string, ok: (x: number) => boolean, allowed: string) =>
      ho[k] === undefined ? {} : { [k]: checkWith(owner, name(`higherOrder.${k}`), ho[k], ok, allowed) };
    out.higherOrder = {
      ...field('order', integerAtLeast(2), 'an integer >= 2'),
      ...field('absoluteEpsilon', nonNegative, 'a finite number >= 0'),
      ...field('relativeEpsilon', nonNegative, 'a finite number >= 0'),
      ...field('maxIterations', integerAtLeast(1), 'an integer >= 1'),
      ...field('tolerance', nonNegative, 'a finite number >= 0'),
    };
  }
  return out;
}

/** The solver fields a preconditioner config may carry (for option-name checks elsewhere). */
export const ROOT_SOLVER_KEYS: readonly string[] = SOLVER_KEYS;
