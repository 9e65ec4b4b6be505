/**
 * What the counters of a checkpoint mean, checked by `loadCheckpoint` before any tensor is
 * created. With c the train state's `count`:
 *
 *   count                                  an integer, 0 <= c (the number of steps taken)
 *   a number at a key 'count' or 'step'    a step counter: an integer in [0, c]
 *   (scaleByAdam, schedules, injectHyperparams, grafting, Shampoo's step, a root submission's step)
 *   a number at a key 'failures',          a failure counter: an integer in [0, c]
 *   'notFiniteCount' or 'totalNotFinite'   (Shampoo's failed root steps, applyIfFinite's skips)
 *
 * Every transform takes at most one step per train step, so no counter exceeds c. Inner
 * counters may be smaller (applyIfFinite does not step its inner transform on a skipped
 * step, a frozen variable's state does not advance), so they are not required to equal c.
 * Numbers inside a 'hyperparams' or 'scheduled' object are hyperparameter values named by
 * the user (injectHyperparams), not counters.
 */
import { pathLabel } from '../tree.js';

const STEP_COUNTERS = new Set(['count', 'step']);
const FAILURE_COUNTERS = new Set(['failures', 'notFiniteCount', 'totalNotFinite']);
const VALUE_CONTAINERS = new Set(['hyperparams', 'scheduled']);

function show(x: unknown): string {
  return Object.is(x, -0) ? '-0' : typeof x === 'string' ? JSON.stringify(x) : String(x);
}

/** The kind of counter at a path ('step' / 'failure'), or null for other values. */
function counterKind(path: string): 'step' | 'failure' | null {
  const keys = path.split('/');
  if (keys.slice(0, -1).some((k) => VALUE_CONTAINERS.has(k))) return null;
  const last = keys[keys.length - 1];
  if (STEP_COUNTERS.has(last)) return 'step';
  if (FAILURE_COUNTERS.has(last)) return 'failure';
  return null;
}

/**
 * Checks the counters among `values` (path -> value of a number node of the state; the
 * top-level `count` included): throws `${owner}: ...` naming the path, the value and what
 * is allowed at the first that has no meaning. The top-level count is checked first.
 */
export function checkCounters(owner: string, values: ReadonlyMap<string, unknown>): void {
  const fail = (message: string): never => {
    throw new RangeError(`${owner}: ${message}`);
  };
  const count = values.get('count');
  if (typeof count === 'number' && !(Number.isInteger(count) && count >= 0)) {
    fail(`the value at 'count' is ${show(count)}; allowed: an integer >= 0 (the number of steps taken)`);
  }
  const c = typeof count === 'number' ? count : Infinity;
  for (const [path, v] of values) {
    if (path === 'count' || typeof v !== 'number') continue;
    const kind = counterKind(path);
    if (kind === null) continue;
    if (!(Number.isInteger(v) && v >= 0 && v <= c)) {
      const what = kind === 'step' ? 'a step counter' : 'a failure counter';
      fail(`the value at ${pathLabel(path)} is ${show(v)}; allowed: an integer in [0, ${c}] (${what}; count = ${c}, and no transform takes more steps than the train state)`);
    }
  }
}
