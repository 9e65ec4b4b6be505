import type { GradientTransformation, StateValue } from '../transform.js';
import { tidyState } from '../state-tree.js';
import { checkTransform } from './check-transform.js';
import { checkGradients } from '../check-gradients.js';

/** The state of a named chain: each inner state under its transform's name. */
export type NamedChainState = { readonly [name: string]: StateValue };

/**
 * `chain` with names (optax `named_chain`): the same composition, applied in the order
 * given,
 *   namedChain([n_1, t_1], ..., [n_k, t_k]).update(u) = t_k.update( ... t_1.update(u) ... ),
 * but the state is the object { n_1: s_1, ..., n_k: s_k }, so it can be read and
 * checkpointed by name. Names must be distinct.
 */
export function namedChain(...named: ReadonlyArray<readonly [string, GradientTransformation<any>]>): GradientTransformation<NamedChainState> {
  const owner = 'namedChain';
  const seen = new Set<string>();
  const entries = named.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      throw new TypeError(`${owner}: argument ${i} is not a [name, transform] pair; allowed: [string, GradientTransformation]`);
    }
    const [name, tx] = pair;
    if (seen.has(name)) throw new RangeError(`${owner}: the name '${name}' is used twice; allowed: distinct names`);
    seen.add(name);
    return [name, checkTransform(owner, `the transform named '${name}'`, tx)] as const;
  });
  return {
    init: (params) =>
      tidyState(() => {
        const s: Record<string, StateValue> = {};
        for (const [name, t] of entries) s[name] = t.init(params);
        return s;
      }),
    update: (updates, state, params) => {
      for (const [name] of entries) {
        if (state === null || typeof state !== 'object' || !(name in state)) {
          throw new TypeError(`${owner}: the state has no entry '${name}'; allowed: the state built by this chain's init, with keys [${entries.map(([n]) => n).join(', ')}]`);
        }
      }
      checkGradients(owner, updates);
      return tidyState(() => {
        let u = updates;
        const next: Record<string, StateValue> = {};
        for (const [name, t] of entries) {
          const [u2, s2] = t.update(u, state[name], params);
          u = u2;
          next[name] = s2;
        }
        return [u, next] as [typeof updates, NamedChainState];
      });
    },
  };
}
