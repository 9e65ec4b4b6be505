/**
 * x^(-1/root) and x^(1/root) for scalars, with exact-as-possible fast paths:
 * root 1 -> 1/x, 2 -> 1/sqrt(x), 4 -> 1/sqrt(sqrt(x)), 8 -> 1/sqrt(sqrt(sqrt(x)));
 * sqrt is correctly rounded, so these lose at most a few ulps, where Math.pow may lose more
 * and is several times slower.
 */
export function inverseRootScalar(x: number, root: number): number {
  switch (root) {
    case 1:
      return 1 / x;
    case 2:
      return 1 / Math.sqrt(x);
    case 4:
      return 1 / Math.sqrt(Math.sqrt(x));
    case 8:
      return 1 / Math.sqrt(Math.sqrt(Math.sqrt(x)));
    default:
      return Math.pow(x, -1 / root);
  }
}

/** x^exponent with the same fast paths for exponent in {1, -1, 1/2, -1/2, 1/4, -1/4, 2}. */
export function powerScalar(x: number, exponent: number): number {
  switch (exponent) {
    case 1:
      return x;
    case -1:
      return 1 / x;
    case 2:
      return x * x;
    case 0.5:
      return Math.sqrt(x);
    case -0.5:
      return 1 / Math.sqrt(x);
    case 0.25:
      return Math.sqrt(Math.sqrt(x));
    case -0.25:
      return 1 / Math.sqrt(Math.sqrt(x));
    default:
      return Math.pow(x, exponent);
  }
}

/**
 * The fraction p/q closest to `x` with q <= maxDenominator (continued fractions), and the
 * relative distance |p/q - x| / x. Used to run the coupled iterations, which need an
 * integer numerator, for a rational root p/q.
 */
export function rationalApproximation(x: number, maxDenominator: number): { p: number; q: number; error: number } {
  let h0 = 0, h1 = 1, k0 = 1, k1 = 0;
  let v = x;
  for (let step = 0; step < 64; step++) {
    const a = Math.floor(v);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (k2 > maxDenominator) break;
    h0 = h1; h1 = h2; k0 = k1; k1 = k2;
    const frac = v - a;
    if (frac < 1e-12) break;
    v = 1 / frac;
  }
  return { p: h1, q: k1, error: Math.abs(h1 / k1 - x) / x };
}
