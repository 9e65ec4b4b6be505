/**
 * Learning rates in JSON: a number, or `{ schedule: name, ...options }` naming one of
 * core's schedules (constant, linear, exponentialDecay, cosineDecay, warmupCosineDecay)
 * with that schedule's options.
 */
import { constant, cosineDecay, exponentialDecay, linear, warmupCosineDecay, type ScalarOrSchedule } from '@shampoo-ts/core';
import type { JsonValue } from './json.js';

type ScheduleBuilder = (options: any) => ScalarOrSchedule;

const SCHEDULES: Record<string, ScheduleBuilder> = {
  constant: (o: { value: number }) => constant(o.value),
  linear,
  exponentialDecay,
  cosineDecay,
  warmupCosineDecay,
};

/**
 * A number as is, or `{ schedule: name, ...options }` turned into core's schedule of that
 * name; anything else is an error naming `owner` and the option (`name`).
 */
export function scheduleFromJson(owner: string, value: JsonValue | undefined, name = 'learningRate'): ScalarOrSchedule {
  if (typeof value === 'number') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.schedule === 'string') {
    const { schedule, ...options } = value;
    const build = Object.prototype.hasOwnProperty.call(SCHEDULES, schedule as string) ? SCHEDULES[schedule as string] : undefined;
    if (build === undefined) {
      throw new RangeError(`${owner}: ${name}.schedule is '${schedule}'; allowed: ${Object.keys(SCHEDULES).join(', ')}`);
    }
    return build(options);
  }
  throw new TypeError(`${owner}: ${name} is ${JSON.stringify(value)}; allowed: a number or { schedule: name, ...options }`);
}
