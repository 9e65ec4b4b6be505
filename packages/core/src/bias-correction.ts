/**
 * The bias correction of an exponential moving average started at 0: after t updates
 *   m_t = beta m_{t-1} + (1 - beta) x_t   has weight  sum_{i=1..t} (1 - beta) beta^(t-i) = 1 - beta^t,
 * so m_t / (1 - beta^t) is an unbiased average. With beta = 1 (a plain sum, AdaGrad's) or
 * the correction turned off, the factor is 1.
 */

/** 1 - beta^count for beta < 1 when `enabled` (the default); 1 otherwise. */
export function biasCorrection(beta: number, count: number, enabled = true): number {
  return enabled && beta < 1 ? 1 - beta ** count : 1;
}
