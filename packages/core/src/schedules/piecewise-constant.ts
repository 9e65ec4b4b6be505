import type { Schedule } from './schedule.js';
import { checkNumber, invalidType } from '../validate.js';

/**
 * Piecewise constant (optax `piecewise_constant_schedule`): starting from initValue,
 * the value is multiplied by scale_b once the count reaches each boundary b:
 *   s(t) = initValue * prod over boundaries b <= t of scale_b.
 * `boundariesAndScales` maps a boundary (a count >= 0) to its scale (>= 0), for example
 * `{ 1000: 0.1, 2000: 0.1 }`.
 */
export function piecewiseConstant(initValue: number, boundariesAndScales: Readonly<Record<number, number>> = {}): Schedule {
  const owner = 'piecewiseConstant';
  const init = checkNumber(owner, 'initValue', initValue);
  if (boundariesAndScales === null || typeof boundariesAndScales !== 'object') {
    invalidType(owner, 'boundariesAndScales', boundariesAndScales, 'an object { boundary: scale }');
  }
  const pieces = Object.entries(boundariesAndScales)
    .map(([b, s]) => {
      const boundary = checkNumber(owner, 'boundary', Number(b), { min: 0 });
      return [boundary, checkNumber(owner, `scale at boundary ${b}`, s, { min: 0 })] as const;
    })
    .sort((x, y) => x[0] - y[0]);
  return (count) => {
    let v = init;
    for (const [boundary, scale] of pieces) if (count >= boundary) v *= scale;
    return v;
  };
}
