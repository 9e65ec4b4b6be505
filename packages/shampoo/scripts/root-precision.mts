/**
 * Measures the damping-floor table of docs/backends.md#root-precision (a tool, not a test):
 *   npx tsx packages/shampoo/scripts/root-precision.mts [c ...]      (default: 0 1 16 64 256 1024)
 * For each floor factor c (dampingFloor) on the cpu backend it prints
 * - the root gap: max|X_device - X_host| / max|X_host| over 60 random float32 factors
 *   sum_k s_k g_k g_k^T (n 2-31, rank 1-n, s_k log-spaced over a condition 1-1e8,
 *   exponents 1/2 and 1/4 alternating, epsilon 1e-12, method 'eigen');
 * - the loss gaps: max relative loss difference between the float32 device executor and the
 *   float64 host executor on the issue-#17 training (an 8 x 4 weight, batches of 16 inputs in a
 *   2-dimensional subspace of R^4, chain(clipByGlobalNorm(1), shampoo({ lr: 0.1,
 *   preconditionFrequency: 2, Adam grafting }))), 6 and 20 steps, and 6 steps with the second
 *   direction scaled by 1e-4 (factors of condition 1e8).
 * Deterministic (fixed seeds).
 */
import * as tf from '@tensorflow/tfjs';
import { applyUpdates, chain, clipByGlobalNorm, disposeTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
import { deviceRootExecutor, hostRootExecutor, shampoo, type RootExecutorChoice, type RootTaskSpec } from '@shampoo-ts/shampoo';
import { seededRandom } from '@shampoo-ts/testing';
import { lowRankFactor, relativeToLargest, rootBy } from '../test/helpers.js';

tf.env().set('IS_TEST', true); // no 'install the node backend' banner
await tf.setBackend('cpu');

function rootGap(c: number): number {
  const rng = seededRandom(11);
  let worst = 0;
  for (let t = 0; t < 60; t++) {
    const n = 2 + Math.floor(rng.uniform() * 30);
    const rank = 1 + Math.floor(rng.uniform() * n);
    const f = lowRankFactor(n, rank, 10 ** (rng.uniform() * 8), rng);
    const spec: RootTaskSpec = {
      key: 'w#0/0', kind: 'inverse-root', n, packed: false, biasCorrection: 1, traceScalingExponent: 0, exponent: [0.5, 0.25][t % 2],
      epsilon: 1e-12, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0, ...(c > 0 ? { dampingFloor: c } : {}),
    };
    worst = Math.max(worst, relativeToLargest(rootBy(deviceRootExecutor(), spec, f).root, rootBy(hostRootExecutor(), spec, f).root));
  }
  return worst;
}

/** Losses of the training; `secondScale` scales the second input direction. */
function losses(rootExecutor: RootExecutorChoice, steps: number, secondScale: number, c: number): number[] {
  const rng = seededRandom(7);
  const basis = Array.from({ length: 8 }, () => rng.gaussian());
  const wStar = tf.tensor2d(Array.from({ length: 32 }, () => rng.gaussian()), [8, 4]);
  const xs = Array.from({ length: steps }, () => {
    const x = new Float32Array(16 * 4);
    for (let b = 0; b < 16; b++) {
      const [c1, c2] = [rng.gaussian(), rng.gaussian()];
      for (let j = 0; j < 4; j++) x[b * 4 + j] = c1 * basis[j] + secondScale * c2 * basis[4 + j];
    }
    return tf.tensor2d(x, [16, 4]);
  });
  const tx = chain(clipByGlobalNorm(1), shampoo({ lr: 0.1, preconditionFrequency: 2, grafting: adamGrafting(), rootExecutor, dampingFloor: c, onWarning: () => {} }));
  let params = { w: tf.zeros([8, 4]) };
  let state = tx.init(params);
  const out: number[] = [];
  for (const x of xs) {
    const { value, grads } = tf.valueAndGrads((w: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.matMul(x, w, false, true), tf.matMul(x, wStar, false, true)))))([params.w]);
    out.push(value.dataSync()[0]);
    const [u, next] = tx.update({ w: grads[0] }, state, params);
    const moved = applyUpdates(params, u) as { w: tf.Tensor };
    disposeTree([u, state, params, grads, value]);
    state = next;
    params = moved;
  }
  disposeTree([state, params, wStar, xs]);
  return out;
}

function lossGap(steps: number, secondScale: number, c: number): number {
  const h = losses('host-float64', steps, secondScale, c);
  const d = losses('device-float32', steps, secondScale, c);
  return Math.max(...h.map((x, i) => Math.abs(x - d[i]) / Math.abs(x)));
}

const factors = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [0, 1, 16, 64, 256, 1024];
console.log('c | root gap | rank-deficient, 6 steps | rank-deficient, 20 steps | condition 1e8, 6 steps');
for (const c of factors) {
  const row = [rootGap(c), lossGap(6, 1, c), lossGap(20, 1, c), lossGap(6, 1e-4, c)].map((v) => v.toExponential(2));
  console.log(`${c} | ${row.join(' | ')}`);
}
