import * as tf from '@tensorflow/tfjs-core';
import type { CountState, GradientTransformation } from '../transform.js';
import { treeMap } from '../tree.js';
import { tidyState } from '../state-tree.js';
import type { Schedule } from '../schedules/schedule.js';
import { checkCount } from './check-count.js';

/**
 * Multiplies the updates by a schedule of the step count (optax `scale_by_schedule`):
 *   u'_t = s(t) * u_t,   t = 0, 1, 2, ...
 * The state is { count: t }. A non-finite s(t) is an error naming the count.
 */
export function scaleBySchedule(schedule: Schedule, owner = 'scaleBySchedule', name = 'schedule'): GradientTransformation<CountState> {
  if (typeof schedule !== 'function') {
    throw new TypeError(`${owner}: ${name} is ${typeof schedule}; allowed: a function (count) => number`);
  }
  return {
    init: () => ({ count: 0 }),
    update: (updates, state) => {
      const count = checkCount(owner, state);
      const v = schedule(count);
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`${owner}: ${name} returned ${String(v)} at count ${count}; allowed: a finite number`);
      }
      return tidyState(() => [treeMap((u) => tf.mul(u, v), updates), { count: count + 1 }] as [typeof updates, CountState]);
    },
  };
}
