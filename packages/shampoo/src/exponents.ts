/**
 * Which dims of a block are preconditioned, and with which inverse exponent.
 *
 * A block of order k has one factor per dim; the default inverse exponent of each is
 * e = 1 / (2 max(k, 1)) (1/2 for a vector: full-matrix AdaGrad; 1/4 for a matrix), and the
 * dim's preconditioner is A^(-e). `inverseExponentOverride[k]` replaces it for blocks of
 * order k: a number sets every dim, an object `{ [dim]: e }` sets single dims. An exponent of
 * 0 means the dim is not preconditioned (no factor is kept, the dim is only rotated).
 */
import { checkWith, invalidParameter } from './validate.js';

/** Per tensor order: one exponent for every dim, or exponents for single dims. */
export type InverseExponentOverride = Readonly<Record<number, number | Readonly<Record<number, number>>>>;

const OWNER = 'scaleByShampoo';

/** Validates an override map (orders >= 0 integers, exponents finite >= 0, dims inside the order). */
export function validateExponentOverride(override: unknown): InverseExponentOverride {
  if (override === null || typeof override !== 'object' || Array.isArray(override)) {
    invalidParameter(OWNER, 'inverseExponentOverride', override, 'an object { [order]: exponent | { [dim]: exponent } }');
  }
  for (const [orderKey, value] of Object.entries(override as Record<string, unknown>)) {
    const order = Number(orderKey);
    checkWith(OWNER, 'inverseExponentOverride order', order, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
    if (typeof value === 'number') {
      checkWith(OWNER, `inverseExponentOverride[${order}]`, value, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0 (0 = not preconditioned)');
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [dimKey, e] of Object.entries(value as Record<string, unknown>)) {
        checkWith(OWNER, `inverseExponentOverride[${order}] dim`, Number(dimKey), (v) => Number.isInteger(v) && v >= 0 && v < Math.max(order, 1), `an integer in [0, ${Math.max(order, 1) - 1}]`);
        checkWith(OWNER, `inverseExponentOverride[${order}][${dimKey}]`, e, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0 (0 = not preconditioned)');
      }
    } else {
      invalidParameter(OWNER, `inverseExponentOverride[${order}]`, value, 'a number or an object { [dim]: exponent }');
    }
  }
  return override as InverseExponentOverride;
}

/** The inverse exponent of every dim of a block of this order (0 = not preconditioned). */
export function blockExponents(order: number, override: InverseExponentOverride = {}): number[] {
  const byDefault = 1 / (2 * Math.max(order, 1));
  const o = override[order];
  return Array.from({ length: order }, (_, dim) => {
    if (typeof o === 'number') return o;
    if (o && typeof o === 'object' && typeof o[dim] === 'number') return o[dim];
    return byDefault;
  });
}
