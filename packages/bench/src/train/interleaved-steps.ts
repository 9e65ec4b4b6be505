/**
 * The step time of each optimizer measured interleaved: one step of each in turn for
 * `rounds` rounds on the same batches, so that a change of the machine's load falls on
 * all of them alike. The mean over the rounds (root steps included, so `rounds` should
 * be a multiple of every root interval) prices a step:
 *   secondsToTarget = stepsToTarget x meanStepMs / 1000.
 */
import type { Examples } from '../data/dataset.js';
import { BatchOrder } from '../data/batches.js';
import type { Learner } from './learner.js';

/**
 * Mean milliseconds per step of each learner, interleaved (the learners advance `skip` +
 * `rounds` steps; the first `skip` rounds, e.g. up to the start of preconditioning, are not timed).
 */
export async function interleavedStepMs(learners: readonly Learner[], train: Examples, batchSize: number, rounds: number, seed: number, skip = 0): Promise<number[]> {
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new RangeError(`interleavedStepMs: rounds = ${rounds} is not allowed; allowed: an integer >= 1`);
  if (!(Number.isInteger(skip) && skip >= 0)) throw new RangeError(`interleavedStepMs: skip = ${skip} is not allowed; allowed: an integer >= 0`);
  const order = new BatchOrder(train.size, batchSize, seed);
  const total = learners.map(() => 0);
  for (let k = 0; k < skip + rounds; k++) {
    for (let i = 0; i < learners.length; i++) {
      const t0 = performance.now();
      const batch = train.batch(order.indices(k));
      try {
        await learners[i].step(batch);
      } finally {
        batch.x.dispose();
        batch.y.dispose();
      }
      if (k >= skip) total[i] += performance.now() - t0;
    }
  }
  return total.map((t) => t / rounds);
}
