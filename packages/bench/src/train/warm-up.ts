/**
 * Untimed warm-up before timed runs: two steps of each optimizer on a throw-away copy
 * of the parameters, so that kernel set-up, WebAssembly tier-up and first-call costs of
 * the backend are paid before any clock starts and by no optimizer in particular.
 */
import type { Examples } from '../data/dataset.js';
import type { Model, Params } from '../models/model.js';
import { makeLearner, type OptimizerSpec } from './optimizers.js';

export async function warmUp(specs: readonly OptimizerSpec[], model: Model, params: Params, train: Examples, batchSize: number, steps = 2): Promise<void> {
  const idx = Int32Array.from({ length: batchSize }, (_, i) => i);
  for (const spec of specs) {
    const learner = makeLearner(spec, model, params);
    try {
      for (let k = 0; k < steps; k++) {
        const batch = train.batch(idx);
        try {
          await learner.step(batch);
        } finally {
          batch.x.dispose();
          batch.y.dispose();
        }
      }
    } finally {
      learner.dispose();
    }
  }
}
