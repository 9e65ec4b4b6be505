import type { GradientTransformation } from '../transform.js';
import { namedChain, type NamedChainState } from '../combinators/named-chain.js';
import { scaleByAdam, type ScaleByAdamOptions } from '../transforms/scale-by-adam.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import type { ScalarOrSchedule } from '../schedules/schedule.js';
import type { LeafSpec } from '../combinators/leaf-labels.js';
import { checkKnownOptions } from '../validate.js';

/** Options of `adamw`: Adam's plus decoupled weight decay, u = −lr · (m̂ / (√v̂ + eps) + λ p). */
export interface AdamwOptions extends ScaleByAdamOptions {
  /** A number >= 0 or a schedule of the step count. */
  readonly learningRate: ScalarOrSchedule;
  /** Decoupled weight decay lambda >= 0 (default 1e-4, as optax). */
  readonly weightDecay?: number;
  /** Which leaves to decay: a tree of booleans or (path, leaf) => boolean (default: all). */
  readonly mask?: LeafSpec<boolean>;
}

/**
 * AdamW, Adam with decoupled weight decay (Loshchilov & Hutter; optax `adamw`):
 *   namedChain(['scaleByAdam', scaleByAdam(...)],
 *              ['addDecayedWeights', addDecayedWeights(weightDecay, mask)],
 *              ['scaleByLearningRate', scaleByLearningRate(lr)])
 * i.e. u_t = -lr * ( m^_t / (sqrt(v^_t + epsRoot) + eps) + lambda * p_t ).
 */
export function adamw(options: AdamwOptions): GradientTransformation<NamedChainState> {
  checkKnownOptions('adamw', options, ['learningRate', 'b1', 'b2', 'eps', 'epsRoot', 'nesterov', 'weightDecay', 'mask'], true);
  const { learningRate, weightDecay, mask, ...adamOptions } = options;
  return namedChain(
    ['scaleByAdam', scaleByAdam(adamOptions)],
    ['addDecayedWeights', addDecayedWeights(weightDecay ?? 1e-4, mask)],
    ['scaleByLearningRate', scaleByLearningRate(learningRate)],
  );
}
