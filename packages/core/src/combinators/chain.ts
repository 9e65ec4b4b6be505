import type { GradientTransformation, StateValue } from '../transform.js';
import { tidyState } from '../state-tree.js';
import { checkTransform } from './check-transform.js';
import { checkGradients } from '../check-gradients.js';

/**
 * Composition of transforms, applied left to right (optax `chain`):
 *   chain(t_1, ..., t_n).update(u) = t_n.update( ... t_1.update(u) ... )
 * The state is the array [s_1, ..., s_n] of the inner states, in order. Intermediate
 * updates are disposed; the inputs are not. Every incoming leaf must be a live float32
 * tensor (checkGradients).
 */
export function chain(...transforms: GradientTransformation<any>[]): GradientTransformation<StateValue[]> {
  const txs = transforms.map((t, i) => checkTransform('chain', `transform ${i}`, t));
  return {
    init: (params) => tidyState(() => txs.map((t) => t.init(params) as StateValue)),
    update: (updates, state, params) => {
      if (!Array.isArray(state) || state.length !== txs.length) {
        throw new TypeError(
          `chain: the state is ${Array.isArray(state) ? `an array of length ${state.length}` : typeof state}; ` +
            `allowed: an array of ${txs.length} inner states, one per transform (build it with this chain's init)`,
        );
      }
      checkGradients('chain', updates);
      return tidyState(() => {
        let u = updates;
        const next: StateValue[] = [];
        txs.forEach((t, i) => {
          const [u2, s2] = t.update(u, state[i], params);
          u = u2;
          next.push(s2);
        });
        return [u, next] as [typeof updates, StateValue[]];
      });
    },
  };
}
