/**
 * A schedule maps the step count (0 for the first update) to a hyperparameter value:
 *   s : {0, 1, 2, ...} -> R.
 * Schedules are pure JavaScript functions of a number, so they cost nothing on the device
 * and a state only needs to store the count.
 */
import { checkNumber } from '../validate.js';

/** A pure function from the step count (0-based) to a value. */
export type Schedule = (count: number) => number;

/** A hyperparameter given either as a fixed number or as a schedule. */
export type ScalarOrSchedule = number | Schedule;

/**
 * The value of `valueOrSchedule` at `count`. A schedule's result is checked against
 * `range` and the error names the owner, the parameter, the count and the value.
 */
export function valueAt(
  owner: string,
  name: string,
  valueOrSchedule: ScalarOrSchedule,
  count: number,
  range: Parameters<typeof checkNumber>[3] = {},
): number {
  if (typeof valueOrSchedule === 'number') return checkNumber(owner, name, valueOrSchedule, range);
  const v = valueOrSchedule(count);
  return checkNumber(owner, `${name} (schedule at count ${count})`, v, range);
}

/** Checks a number-or-schedule argument: a number in `range`, or a function. */
export function checkScalarOrSchedule(
  owner: string,
  name: string,
  value: unknown,
  range: Parameters<typeof checkNumber>[3] = {},
): ScalarOrSchedule {
  if (typeof value === 'function') return value as Schedule;
  return checkNumber(owner, name, value, range);
}
