/**
 * The options of the eigendecomposition-based preconditioners (eigendecomposed Shampoo,
 * eigendecomposed KL-Shampoo, eigenvalue-corrected Shampoo / SOAP) and their range checks.
 * Every invalid value throws a RangeError naming the option, the value and what is allowed.
 */
import { checkWith, invalidParameter } from './validate.js';
import type { InverseExponentOverride } from './exponents.js';

/** How the eigenbasis is refreshed on a root step (the reference's EigendecompositionConfig). */
export interface EigenbasisOptions {
  /** 'eigh' (default): full symmetric eigendecomposition; 'qr': warm-started QR steps. */
  readonly eigenbasis?: 'eigh' | 'qr';
  /** QR steps per root step for eigenbasis 'qr' (the reference's max_iterations). Default 1. */
  readonly qrSteps?: number;
  /**
   * In [0, 1]. Keep the previous basis Q (eigh) or stop the QR steps (qr) when
   * ||offdiag(Q^T A Q)||_F <= tolerance ||Q^T A Q||_F. Default 0 (always refresh).
   */
  readonly tolerance?: number;
}

/** Eigendecomposed Shampoo and eigendecomposed KL-Shampoo. */
export interface EigendecomposedConfig extends EigenbasisOptions {
  readonly type: 'eigendecomposed' | 'eigendecomposed-kl-shampoo';
  /** 'perturbation' (default): lambda - min(lambda_min, 0) + epsilon; 'pseudo-inverse': epsilon 0, small lambda -> 0. */
  readonly rankDeficiency?: 'perturbation' | 'pseudo-inverse';
  /** Pseudo-inverse: lambda <= max(rankRtol max(lambda_max, 0), rankAtol) maps to 0. Default n 2^-23 (n x the float32 epsilon). */
  readonly rankRtol?: number;
  /** Pseudo-inverse: see rankRtol. Default 0 (the reference's rank_atol). */
  readonly rankAtol?: number;
}

/** Eigenvalue-corrected Shampoo / SOAP. */
export interface EigenvalueCorrectedConfig extends EigenbasisOptions {
  readonly type: 'eigenvalue-corrected';
  /** p in (E / bc2)^p for every order without an inverseExponentOverride entry. Default 1/2. */
  readonly correctionExponent?: number;
  /**
   * Per tensor order, the dims kept out of the basis change (no factor, no rotation; the
   * reference's ignored_basis_change_dims), e.g. { 2: [1] }. Default {}.
   */
  readonly ignoredBasisChangeDims?: Readonly<Record<number, readonly number[]>>;
}

const isFinite = (x: number) => Number.isFinite(x);

function checkEigenbasis(owner: string, c: EigenbasisOptions): void {
  if (c.eigenbasis !== undefined && c.eigenbasis !== 'eigh' && c.eigenbasis !== 'qr') invalidParameter(owner, 'preconditioner.eigenbasis', c.eigenbasis, "'eigh' or 'qr'");
  if (c.qrSteps !== undefined) checkWith(owner, 'preconditioner.qrSteps', c.qrSteps, (x) => Number.isInteger(x) && x >= 1, 'an integer >= 1');
  if (c.tolerance !== undefined) checkWith(owner, 'preconditioner.tolerance', c.tolerance, (x) => x >= 0 && x <= 1, 'a number in [0, 1]');
}

/** Validates ignoredBasisChangeDims: orders integers >= 0, dims unique integers in [0, max(order - 1, 0)]. */
function checkIgnoredDims(owner: string, dims: unknown): void {
  const name = 'preconditioner.ignoredBasisChangeDims';
  if (dims === null || typeof dims !== 'object' || Array.isArray(dims)) invalidParameter(owner, name, dims, 'an object { [order]: dims[] }');
  for (const [orderKey, list] of Object.entries(dims as Record<string, unknown>)) {
    const order = checkWith(owner, `${name} order`, Number(orderKey), (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
    const top = Math.max(order - 1, 0);
    if (!Array.isArray(list)) invalidParameter(owner, `${name}[${order}]`, list, 'an array of dims');
    for (const d of list) checkWith(owner, `${name}[${order}] dim`, d, (v) => Number.isInteger(v) && v >= 0 && v <= top, `an integer in [0, ${top}]`);
    if (new Set(list).size !== list.length) invalidParameter(owner, `${name}[${order}]`, list, 'dims without duplicates');
  }
}

/**
 * Checks the eigen-family options of `c` (other preconditioner types pass through).
 * For eigenvalue-corrected, `override` (the validated inverseExponentOverride) may only
 * give one number > 0 per order: the correction exponent of that order, as in the reference.
 */
export function checkEigenFamily(owner: string, c: { readonly type: string }, override: InverseExponentOverride): void {
  if (c.type === 'eigendecomposed' || c.type === 'eigendecomposed-kl-shampoo') {
    const e = c as EigendecomposedConfig;
    checkEigenbasis(owner, e);
    const rd = e.rankDeficiency ?? 'perturbation';
    if (rd !== 'perturbation' && rd !== 'pseudo-inverse') invalidParameter(owner, 'preconditioner.rankDeficiency', rd, "'perturbation' or 'pseudo-inverse'");
    for (const key of ['rankRtol', 'rankAtol'] as const) {
      const v = e[key];
      if (v === undefined) continue;
      if (rd !== 'pseudo-inverse') invalidParameter(owner, `preconditioner.${key}`, v, "only with rankDeficiency 'pseudo-inverse'");
      checkWith(owner, `preconditioner.${key}`, v, (x) => x >= 0 && isFinite(x), 'a finite number >= 0');
    }
  }
  if (c.type === 'eigenvalue-corrected') {
    const e = c as EigenvalueCorrectedConfig;
    checkEigenbasis(owner, e);
    if (e.correctionExponent !== undefined) checkWith(owner, 'preconditioner.correctionExponent', e.correctionExponent, (x) => x > 0 && isFinite(x), 'a finite number > 0');
    if (e.ignoredBasisChangeDims !== undefined) checkIgnoredDims(owner, e.ignoredBasisChangeDims);
    for (const [order, value] of Object.entries(override)) {
      if (typeof value !== 'number' || !(value > 0)) {
        invalidParameter(owner, `inverseExponentOverride[${order}]`, value,
          'for eigenvalue-corrected, a number > 0 per order (the correction exponent p of (E / bc2)^p); keep dims out of the basis change with preconditioner.ignoredBasisChangeDims');
      }
    }
  }
}
