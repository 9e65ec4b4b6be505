import type { Schedule } from './schedule.js';
import { checkNumber } from '../validate.js';

/**
 * The constant schedule: s(t) = value for every count t.
 */
export function constant(value: number): Schedule {
  const v = checkNumber('constant', 'value', value);
  return () => v;
}
