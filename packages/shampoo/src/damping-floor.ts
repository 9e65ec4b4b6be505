/**
 * The damping floor: the smallest epsilon a float32 factor resolves.
 *
 * Every factor F is stored in float32 (unit roundoff u = 2^-24), on the host as on the
 * device, so each stored entry carries an error |E_ij| <= u |A_ij|, and by Weyl's inequality
 * every eigenvalue of A = F / bc (trace-scaled) moves by up to ||E||_2 <= ||E||_F <= u ||A||_F
 * per rounding. Eigenvalues below that are not determined
 * by the factor: on a rank-deficient factor they are rounding noise, and with an epsilon
 * below them the root (A + eps I)^(-1/r) is eps^(-1/r) along noise directions, different
 * for every arithmetic (float64 on the host, float32 Newton or Jacobi on the device, the
 * reference's float32 eigh). So every executor damps with
 *
 *   eps_eff = max(epsilon, c 2^-23 ||A||_F),   c = DAMPING_FLOOR_FACTOR,
 *
 * ||A||_F because it bounds that error, is computed alike everywhere (a sum of squares, no
 * eigensolver) and is close to lambda_max (lambda_max <= ||A||_F <= sqrt(rank) lambda_max).
 * A float32 solver's eigenvalue error delta is a few u lambda_max; the root's eigenvalue
 * (lambda + eps_eff)^(-1/r) then moves by a relative (1/r) delta / eps_eff, about 1/(2 r c)
 * for delta = u ||A||_F, so c sets how closely float32 roots can follow float64 ones, at the
 * price of a relative damping c 2^-23 of ||A||_F. c = DAMPING_FLOOR_FACTOR is the measured
 * choice (docs/backends.md#root-precision).
 */

/** The default c of the floor c 2^-23 ||A||_F (the option `dampingFloor`; see the module comment). */
export const DAMPING_FLOOR_FACTOR = 1024;

/** The floor c 2^-23 ||A||_F for a factor of Frobenius norm `norm` (0 for c = 0 or a norm that is not finite). */
export function dampingFloor(c: number, norm: number): number {
  return c > 0 && Number.isFinite(norm) ? c * 2 ** -23 * norm : 0;
}

/** eps_eff = max(epsilon, c 2^-23 ||A||_F), the damping every executor uses (c absent: 0, no floor). */
export function effectiveEpsilon(epsilon: number, c: number | undefined, norm: number): number {
  return Math.max(epsilon, dampingFloor(c ?? 0, norm));
}

/** The once-per-optimizer notice when the floor with factor c replaced the user's epsilon. */
export function dampingFloorNotice(epsilon: number, c: number): string {
  return `epsilon = ${epsilon} is below what a float32 factor resolves for some factors; damping with max(epsilon, ${c} * 2^-23 * ||A||_F) there (docs/backends.md#root-precision). Raise epsilon above it, or set dampingFloor: 0 for the reference's damping, to silence this.`;
}
