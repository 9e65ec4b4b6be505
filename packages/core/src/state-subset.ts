/**
 * A state restricted to some of its parameters, and put back.
 *
 * Every state is plain data keyed by parameter path (per-param records, Shampoo's blocks),
 * so the state of a transform for a subset Q of the parameters P is, position for
 * position, a part of its state for P: `tx.init(Q)` has the same containers with fewer
 * record keys. That lets a runner step only the parameters that have gradients (a frozen
 * layer) and keep the others' state untouched:
 *
 *   part  = selectState(stateSkeleton(tx.init(Q)), full)     the values of full at Q's positions
 *   [u, part'] = tx.update(g_Q, part, Q)
 *   full' = mergeState(full, part')                          part' written back, the rest kept
 *
 * Values shared by all parameters (a step count) sit at positions both have, so they
 * advance with every step. `extendState(full, tx.init(R))` adds the state of parameters R
 * seen for the first time. Arrays are positional (a chain's members), so their lengths
 * must agree; a state whose arrays grow with the parameters cannot be split and is refused.
 */
import { isTensor, joinPath as at } from './tree.js';
import type { StateValue } from './transform.js';

/** A state's containers with every leaf replaced by null: where its values are, not what. */
export type StateSkeleton = null | readonly StateSkeleton[] | { readonly [key: string]: StateSkeleton };

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && !isTensor(x);
}

function mismatch(owner: string, path: string, what: string): never {
  throw new TypeError(`${owner}: the state cannot be split by parameter at '${path || '<root>'}': ${what}`);
}

/** The skeleton of `state` (see StateSkeleton). */
export function stateSkeleton(state: StateValue): StateSkeleton {
  if (Array.isArray(state)) return state.map((s) => stateSkeleton(s));
  if (isRecord(state)) return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, stateSkeleton(v as StateValue)]));
  return null;
}

/**
 * The part of `full` at the positions of `skeleton`: the skeleton's containers, each leaf
 * the value of `full` at the same keys and indices (tensors are shared, not copied).
 * Throws a `TypeError` naming the first position `full` lacks or whose kind differs.
 */
export function selectState(skeleton: StateSkeleton, full: StateValue, owner: string, path = ''): StateValue {
  if (skeleton === null) {
    if (Array.isArray(full) || isRecord(full)) mismatch(owner, path, 'a value in the part is a container in the full state');
    return full;
  }
  if (Array.isArray(skeleton)) {
    if (!Array.isArray(full) || full.length !== skeleton.length) mismatch(owner, path, `an array of length ${skeleton.length} in the part is not one in the full state`);
    return skeleton.map((s, i) => selectState(s, full[i], owner, at(path, i)));
  }
  if (!isRecord(full)) mismatch(owner, path, 'a record in the part is not one in the full state');
  const out: Record<string, StateValue> = {};
  for (const [k, s] of Object.entries(skeleton as Record<string, StateSkeleton>)) {
    if (!Object.prototype.hasOwnProperty.call(full, k)) mismatch(owner, at(path, k), 'the full state has no entry there');
    out[k] = selectState(s, full[k] as StateValue, owner, at(path, k));
  }
  return out;
}

/**
 * `full` with the values of `part` written at its positions (part's structure must be a
 * part of full's, as selectState makes it); every other value of `full` is kept as is.
 */
export function mergeState(full: StateValue, part: StateValue, owner: string, path = ''): StateValue {
  if (Array.isArray(part)) {
    if (!Array.isArray(full) || full.length !== part.length) mismatch(owner, path, 'the updated part has an array the full state does not');
    return part.map((p, i) => mergeState(full[i], p, owner, at(path, i)));
  }
  if (isRecord(part)) {
    if (!isRecord(full)) mismatch(owner, path, 'the updated part has a record the full state does not');
    const out: Record<string, StateValue> = { ...(full as Record<string, StateValue>) };
    for (const [k, p] of Object.entries(part)) {
      out[k] = Object.prototype.hasOwnProperty.call(full, k) ? mergeState(full[k] as StateValue, p as StateValue, owner, at(path, k)) : (p as StateValue);
    }
    return out;
  }
  return part;
}

/**
 * `full` plus the positions of `extra` it lacks (the state of parameters seen for the
 * first time); where both have a value, full's is kept. Returns the merged state; the
 * values of `extra` that it does not use are listed in `unused` (for the caller to dispose).
 */
export function extendState(full: StateValue, extra: StateValue, owner: string, unused: unknown[] = [], path = ''): StateValue {
  if (Array.isArray(extra)) {
    if (!Array.isArray(full) || full.length !== extra.length) mismatch(owner, path, 'the new parameters\' state has an array the full state does not');
    return extra.map((e, i) => extendState(full[i], e, owner, unused, at(path, i)));
  }
  if (isRecord(extra)) {
    if (!isRecord(full)) mismatch(owner, path, 'the new parameters\' state has a record the full state does not');
    const out: Record<string, StateValue> = { ...(full as Record<string, StateValue>) };
    for (const [k, e] of Object.entries(extra)) {
      out[k] = Object.prototype.hasOwnProperty.call(full, k) ? extendState(full[k] as StateValue, e as StateValue, owner, unused, at(path, k)) : (e as StateValue);
    }
    return out;
  }
  unused.push(extra);
  return full;
}
