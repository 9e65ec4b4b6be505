import type { Schedule } from './schedule.js';
import { checkNumber } from '../validate.js';

/**
 * Runs schedules one after another (optax `join_schedules`). With boundaries
 * b_1 < ... < b_{n-1} and schedules s_0 ... s_{n-1}:
 *   s(t) = s_0(t)             for t < b_1
 *          s_i(t - b_i)       for b_i <= t < b_{i+1}
 * so every schedule after the first sees its own count starting from 0.
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  const owner = 'joinSchedules';
  if (!Array.isArray(schedules) || schedules.length === 0 || schedules.some((s) => typeof s !== 'function')) {
    throw new TypeError(`${owner}: schedules must be a non-empty array of functions; got ${Array.isArray(schedules) ? `an array of length ${schedules.length}` : String(schedules)}`);
  }
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1) {
    throw new RangeError(
      `${owner}: boundaries has length ${Array.isArray(boundaries) ? boundaries.length : String(boundaries)}; allowed: schedules.length - 1 = ${schedules.length - 1}`,
    );
  }
  boundaries.forEach((b, i) => {
    checkNumber(owner, `boundaries[${i}]`, b, { min: i === 0 ? 0 : boundaries[i - 1] });
  });
  const ss = [...schedules];
  const bs = [...boundaries];
  return (count) => {
    let i = 0;
    while (i < bs.length && count >= bs[i]) i++;
    return i === 0 ? ss[0](count) : ss[i](count - bs[i - 1]);
  };
}
