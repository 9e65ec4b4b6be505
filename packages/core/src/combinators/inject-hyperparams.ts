import type { GradientTransformation, StateValue } from '../transform.js';
import type { Schedule } from '../schedules/schedule.js';
import { checkKnownOptions, checkNumber, invalidType } from '../validate.js';
import { tidyState } from '../state-tree.js';
import { checkTransform } from './check-transform.js';

/**
 * The state of `injectHyperparams`:
 * - `count`: the number of updates done so far;
 * - `hyperparams`: the numeric hyperparameters, changeable between steps with `setHyperparam`;
 * - `scheduled`: the value each scheduled hyperparameter had at the last update (at init:
 *   at count 0); recomputed from the schedule at every update, so not settable;
 * - `inner`: the state of the transform the factory builds.
 */
export type InjectHyperparamsState<S extends StateValue = StateValue> = {
  readonly count: number;
  readonly hyperparams: { readonly [name: string]: number };
  readonly scheduled: { readonly [name: string]: number };
  readonly inner: S;
};

/** Options of `injectHyperparams`: which of the factory's options are passed through unchanged instead of becoming state hyperparameters. */
export interface InjectHyperparamsOptions {
  /** Options passed to the factory as they are, even if they are numbers or functions (say a mask function). */
  readonly staticArgs?: readonly string[];
}

/** What `injectHyperparams` accepts for an options object `O`: every numeric option may also be a schedule. */
export type InjectableHyperparams<O> = {
  [K in keyof O]: NonNullable<O[K]> extends number ? O[K] | Schedule : O[K];
};

/**
 * Moves a transform's numeric hyperparameters into its state (optax `inject_hyperparams`).
 *
 * `injectHyperparams(factory)(hyperparams)` is a transform whose update at count t runs
 *   factory({ ...static, ...h_t }).update(u, inner)
 * where h_t holds, for every numeric hyperparameter, the value stored in the state (set at
 * construction, changed with `setHyperparam`), and for every schedule s, s(t). As in optax,
 * every function-valued option is taken as a schedule unless it is listed in
 * `options.staticArgs`; other values (booleans, mask trees) are passed through unchanged.
 * The factory must give inner states of the same structure for all hyperparameter values.
 *
 *   const tx = injectHyperparams(adamw)({ learningRate: cosineDecay({...}), weightDecay: 1e-2 });
 *   state = setHyperparam(state, 'weightDecay', 1e-3);  // takes effect at the next update
 */
export function injectHyperparams<O extends object>(
  factory: (options: O) => GradientTransformation<any>,
  options: InjectHyperparamsOptions = {},
): (hyperparams: InjectableHyperparams<O>) => GradientTransformation<InjectHyperparamsState> {
  const owner = 'injectHyperparams';
  if (typeof factory !== 'function') {
    throw new TypeError(`${owner}: factory is ${typeof factory}; allowed: a function (options) => GradientTransformation`);
  }
  checkKnownOptions(owner, options, ['staticArgs']);
  const staticArgs = new Set(options.staticArgs ?? []);
  return (hyperparams) => {
    if (hyperparams === null || typeof hyperparams !== 'object') {
      invalidType(owner, 'hyperparams', hyperparams, 'an object of options for the factory');
    }
    const numeric: Record<string, number> = {};
    const schedules: Record<string, Schedule> = {};
    const fixed: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(hyperparams)) {
      if (staticArgs.has(name)) fixed[name] = v;
      else if (typeof v === 'number') numeric[name] = checkNumber(owner, name, v);
      else if (typeof v === 'function') schedules[name] = v as Schedule;
      else fixed[name] = v;
    }
    const evaluate = (count: number): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const [name, s] of Object.entries(schedules)) {
        const v = s(count);
        if (typeof v !== 'number') {
          throw new TypeError(
            `${owner}: '${name}' is a function, so it is taken as a schedule, but it returned ${typeof v} at count ${count}; ` +
              `allowed: a schedule (count) => number, or list '${name}' in staticArgs to pass the function through`,
          );
        }
        out[name] = checkNumber(owner, `${name} (schedule at count ${count})`, v);
      }
      return out;
    };
    const build = (values: Record<string, number>) =>
      checkTransform(owner, 'the factory result', factory({ ...fixed, ...values } as O));
    // Fail at construction, not at the first step, on hyperparameters the factory rejects.
    build({ ...numeric, ...evaluate(0) });
    return {
      init: (params) => {
        const scheduled = evaluate(0);
        return tidyState(() => ({
          count: 0,
          hyperparams: { ...numeric },
          scheduled,
          inner: build({ ...numeric, ...scheduled }).init(params),
        }));
      },
      update: (updates, state, params) => {
        if (state === null || typeof state !== 'object' || typeof state.count !== 'number' || typeof state.hyperparams !== 'object') {
          throw new TypeError(`${owner}: the state is not an injectHyperparams state; allowed: the state built by this transform's init`);
        }
        const scheduled = evaluate(state.count);
        const values = { ...state.hyperparams, ...scheduled };
        const tx = build(values);
        return tidyState(() => {
          const [out, inner] = tx.update(updates, state.inner, params);
          const next: InjectHyperparamsState = { count: state.count + 1, hyperparams: { ...state.hyperparams }, scheduled, inner };
          return [out, next] as [typeof out, InjectHyperparamsState];
        });
      },
    };
  };
}
