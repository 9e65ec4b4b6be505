import type { StateValue } from '../transform.js';
import { isTensor, walkTree } from '../tree.js';
import { checkNumber } from '../validate.js';
import { cloneState } from '../state-tree.js';
import type { InjectHyperparamsState } from './inject-hyperparams.js';

function isInjectState(x: unknown): x is InjectHyperparamsState {
  if (x === null || typeof x !== 'object' || Array.isArray(x) || isTensor(x)) return false;
  const s = x as Record<string, unknown>;
  return typeof s.count === 'number' && typeof s.hyperparams === 'object' && s.hyperparams !== null &&
    typeof s.scheduled === 'object' && s.scheduled !== null && 'inner' in s;
}

/** Every injectHyperparams state inside `x` (x itself included), with its path. */
function findInjectStates(x: unknown): Array<[string, InjectHyperparamsState]> {
  const out: Array<[string, InjectHyperparamsState]> = [];
  walkTree(x, (node, path) => {
    if (isInjectState(node)) out.push([path, node]);
    return node !== null && typeof node === 'object' && !isTensor(node);
  });
  return out;
}

/**
 * A new state in which the numeric hyperparameter `name` of the `injectHyperparams` state
 * found inside `state` is `value`; the next update uses it. `state` may be the inject state
 * itself, a train state or any state containing exactly one inject state that has `name`.
 *
 * `state` is not changed. Ownership: every tensor of the result is a `tf.clone` of the
 * old one (shared memory), so the caller disposes the old state as usual. Throws, and
 * creates nothing, if `value` is not a finite number, if no inject state has `name` (the
 * message lists the names there are), if `name` follows a schedule, or if several do.
 * Range checks of the inner transform (say a negative learning rate) run at the next update.
 */
export function setHyperparam<T>(state: T, name: string, value: number): T {
  const owner = 'setHyperparam';
  checkNumber(owner, name, value);
  const found = findInjectStates(state);
  const withName = found.filter(([, s]) => name in s.hyperparams || name in s.scheduled);
  if (withName.length === 0) {
    const names = [...new Set(found.flatMap(([, s]) => Object.keys(s.hyperparams)))].sort();
    throw new RangeError(
      found.length === 0
        ? `${owner}: the state contains no injectHyperparams state; wrap the transform with injectHyperparams to change '${name}' between steps`
        : `${owner}: no injected hyperparameter is named '${name}'; allowed: one of [${names.join(', ')}]`,
    );
  }
  if (withName.length > 1) {
    throw new RangeError(`${owner}: '${name}' is injected in several places [${withName.map(([p]) => `'${p}'`).join(', ')}]; change the inner state directly`);
  }
  const inject = withName[0][1];
  if (name in inject.scheduled) {
    throw new RangeError(`${owner}: '${name}' follows a schedule and is recomputed at every update; allowed: one of the numeric hyperparameters [${Object.keys(inject.hyperparams).sort().join(', ')}]`);
  }
  const rebuild = (x: unknown): unknown => {
    if (x === inject) return { ...cloneState(inject), hyperparams: { ...inject.hyperparams, [name]: value } };
    if (x === null || typeof x !== 'object' || isTensor(x)) return cloneState(x);
    if (Array.isArray(x)) return x.map(rebuild);
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, rebuild(v)]));
  };
  return rebuild(state as unknown as StateValue) as T;
}
