/**
 * Measures the accuracy constants quoted in docs/linalg.md (a tool, not a test):
 *   npx tsx packages/linalg/scripts/measure-accuracy.mts [samples]
 * For random SPD matrices (n in 1..128, condition numbers log-uniform in [1, 1e10]) it
 * prints the worst ||V^T V - I||_F / (n 2^-52), ||A V - V diag(lambda)||_F / (||A||_F n 2^-52),
 * and for the inverse roots and the float32 iterations their errors by condition number.
 */
import * as tf from '@tensorflow/tfjs';

tf.env().set('IS_TEST', true); // no 'install the node backend' banner
await tf.setBackend('cpu');
import {
  eigenResidual,
  orthogonalityError,
  relativeError,
  seededRandom,
  spdWithCondition,
} from '../../testing/src/index.js';
import {
  coupledHigherOrderInverseRoot,
  coupledNewtonInverseRoot,
  inverseRoot,
  newtonInverseRootTensor,
  symmetricEigenJs,
} from '../src/index.js';

const EPS = 2 ** -52;
const samples = Number(process.argv[2] ?? 200);
const rng = seededRandom(20261123);

let worstOrth = 0;
let worstRes = 0;
let worstTrace = 0;
for (let s = 0; s < samples; s++) {
  const n = 1 + Math.floor(rng.uniform() * 128);
  const cond = 10 ** (10 * rng.uniform());
  const m = spdWithCondition({ n, cond, seed: s });
  const e = symmetricEigenJs(m.a, n);
  worstOrth = Math.max(worstOrth, orthogonalityError(e.vectors, n) / (n * EPS));
  worstRes = Math.max(worstRes, eigenResidual(m.a, e.vectors, e.values, n) / (n * EPS));
  let tr = 0;
  let sum = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    tr += m.a[i * n + i];
    sum += e.values[i];
    scale += Math.abs(e.values[i]);
  }
  worstTrace = Math.max(worstTrace, Math.abs(tr - sum) / (scale * n * EPS));
}
console.log(`eigen over ${samples} random SPD (n 1..128, cond 1..1e10):`);
console.log(`  max ||V^T V - I||_F / (n eps)                = ${worstOrth.toFixed(3)}`);
console.log(`  max ||A V - V L||_F / (||A||_F n eps)         = ${worstRes.toFixed(3)}`);
console.log(`  max |trace - sum(lambda)| / (sum|lambda| n eps) = ${worstTrace.toFixed(3)}`);

console.log('\ninverse 4th root, n = 64, max over 5 seeds per condition number:');
console.log('cond     | eigen: max|A X^4 - I| | newton: residual  iters | higher-order: residual iters | newton vs eigen rel | f32 newton: residual  rel err vs f64');
for (const cond of [1, 1e2, 1e4, 1e6, 1e8, 1e10]) {
  let eig = 0, nr = 0, ni = 0, hr = 0, hi = 0, nve = 0, fr = 0, fe = 0;
  for (let seed = 0; seed < 5; seed++) {
    const m = spdWithCondition({ n: 64, cond, seed: 100 + seed });
    const e = inverseRoot(m.a, 64, { root: 4 });
    const nw = coupledNewtonInverseRoot(m.a, 64, { root: 4 });
    const ho = coupledHigherOrderInverseRoot(m.a, 64, { root: 4 });
    eig = Math.max(eig, e.residual);
    nr = Math.max(nr, nw.residual);
    ni = Math.max(ni, nw.iterations);
    hr = Math.max(hr, ho.residual);
    hi = Math.max(hi, ho.iterations);
    nve = Math.max(nve, relativeError(nw.root, e.root));
    const t = newtonInverseRootTensor(tf.tensor2d(Float32Array.from(m.a), [64, 64]), { root: 4, maxIterations: 60 });
    const root32 = Float64Array.from(t.root.dataSync());
    const residual32 = t.residual.dataSync()[0];
    fr = Number.isNaN(residual32) || Number.isNaN(fr) ? NaN : Math.max(fr, residual32);
    fe = root32.every(Number.isFinite) && !Number.isNaN(fe) ? Math.max(fe, relativeError(root32, e.root)) : NaN;
    tf.dispose([t.root, t.residual, t.activeIterations, t.iterationError]);
  }
  console.log(
    `${cond.toExponential(0).padEnd(8)} | ${eig.toExponential(2).padStart(21)} | ${nr.toExponential(2).padStart(16)} ${String(ni).padStart(6)} | ${hr
      .toExponential(2)
      .padStart(22)} ${String(hi).padStart(5)} | ${nve.toExponential(2).padStart(19)} | ${fr.toExponential(2).padStart(19)} ${fe.toExponential(2).padStart(17)}`,
  );
}
