#!/usr/bin/env node
/**
 * The price of a warm-started root against a full one, per factor: the root task of one
 * n x n SPD factor (condition 1e4) as the host executor runs it (computeRoots, float64):
 *   eigh  : kind 'eigen' (full symmetric eigendecomposition: eigendecomposed Shampoo, 'eigh')
 *   qr1   : kind 'eigen-qr', one QR step warm-started from the exact eigenbasis
 *           (eigendecomposed Shampoo / SOAP with eigenbasis 'qr', qrSteps 1)
 *   root  : kind 'inverse-root', method 'eigen' (default Shampoo)
 * measured interleaved (one of each in turn, the first round untimed).
 * Run after `npm run build`: node packages/bench/scripts/eigh-vs-qr.mjs
 */
import { computeRoots } from '@shampoo-ts/shampoo';
import { spdWithCondition } from '@shampoo-ts/testing';
import { symmetricEigen } from '@shampoo-ts/linalg';

for (const n of [64, 128, 256]) {
  const { a } = spdWithCondition({ n, cond: 1e4, seed: 1 });
  const previousVectors = symmetricEigen(a, n).vectors;
  const spec = { key: 'x', n, packed: false, biasCorrection: 1, traceScalingExponent: 0, exponent: 0.25, epsilon: 1e-12, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0, factor: a };
  const tasks = { eigh: { ...spec, kind: 'eigen' }, qr1: { ...spec, kind: 'eigen-qr', previousVectors }, root: { ...spec, kind: 'inverse-root' } };
  const ms = { eigh: 0, qr1: 0, root: 0 };
  const rounds = n === 256 ? 6 : 12;
  for (let r = 0; r <= rounds; r++) {
    for (const k of Object.keys(tasks)) {
      const t0 = performance.now();
      computeRoots([tasks[k]]);
      if (r > 0) ms[k] += performance.now() - t0;
    }
  }
  const per = (k) => (ms[k] / rounds).toFixed(1);
  console.log(`n ${n}: eigh ${per('eigh')} ms, 1 QR step ${per('qr1')} ms (${(ms.qr1 / ms.eigh).toFixed(2)}x eigh), inverse root (eigen) ${per('root')} ms`);
}
