/**
 * Measures the accuracy constants quoted in docs/linalg.md (a tool, not a test):
 *   npx tsx packages/linalg/scripts/measure-accuracy.mts [samples]
 * For random SPD matrices (n in 1..128, condition numbers log-uniform in [1, 1e10]) it
 * prints the worst ||V^T V - I||_F / (n 2^-52), ||A V - V diag(lambda)||_F / (||A||_F n 2^-52),
 * then the inverse roots' residuals and the float32 iterations' errors by condition number.
 * The eigen-based roots use the TypeScript kernel (kernel: 'js'). Deterministic (fixed
 * seeds); about 20 s.
 */
import * as tf from '@tensorflow/tfjs';

tf.env().set('IS_TEST', true); // no 'install the node backend' banner
await tf.setBackend('cpu');
import {
  eigenResidual,
  orthogonalityError,
  randomOrthogonal,
  relativeError,
  seededRandom,
  spdWithCondition,
} from '../../testing/src/index.js';
import {
  coupledHigherOrderInverseRoot,
  coupledNewtonInverseRoot,
  inverseRoot,
  newtonInverseRootTensor,
  newtonSchulz,
  newtonSchulzTensor,
  qrIterationEigenbasis,
  qrIterationStepTensor,
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

console.log('\ninverse 4th root, n = 64, worst over 5 seeds per condition number (float64):');
console.log('cond   | eigen max|A X^4 - I| | newton residual iters | higher-order residual iters | newton vs eigen (rel)');
for (const cond of [1, 1e2, 1e4, 1e6, 1e8, 1e10]) {
  let eig = 0, nr = 0, ni = 0, hr = 0, hi = 0, nve = 0;
  for (let seed = 0; seed < 5; seed++) {
    const m = spdWithCondition({ n: 64, cond, seed: 100 + seed });
    const e = inverseRoot(m.a, 64, { root: 4, kernel: 'js' });
    const nw = coupledNewtonInverseRoot(m.a, 64, { root: 4 });
    const ho = coupledHigherOrderInverseRoot(m.a, 64, { root: 4 });
    eig = Math.max(eig, e.residual);
    nr = Math.max(nr, nw.residual);
    ni = Math.max(ni, nw.iterations);
    hr = Math.max(hr, ho.residual);
    hi = Math.max(hi, ho.iterations);
    nve = Math.max(nve, relativeError(nw.root, e.root));
  }
  console.log(`${fmt(cond)} | ${fmt(eig)} | ${fmt(nr)} ${ni} | ${fmt(hr)} ${hi} | ${fmt(nve)}`);
}

const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
const worstOf = (xs: number[]): number => (xs.some(Number.isNaN) ? NaN : Math.max(...xs));

console.log('\nfloat32 newtonInverseRootTensor (p = 4, 40 steps, cpu backend) vs the float64 root; n in {4, 16, 48}, 4 seeds:');
console.log('cond   | rel. error | rounding A to f32 alone | reported residual | iteration error max|M - I|');
for (const cond of [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7]) {
  const err: number[] = [], rounding: number[] = [], res: number[] = [], itErr: number[] = [];
  for (const n of [4, 16, 48]) {
    for (let seed = 0; seed < 4; seed++) {
      const m = spdWithCondition({ n, cond, seed: 1000 + seed });
      const exact = inverseRoot(m.a, n, { root: 4, kernel: 'js' }).root;
      const input = tf.tensor2d(Float32Array.from(m.a), [n, n]);
      const t = newtonInverseRootTensor(input, { root: 4 });
      const x = Float64Array.from(t.root.dataSync());
      err.push(x.every(Number.isFinite) ? relativeError(x, exact) : NaN);
      rounding.push(relativeError(inverseRoot(f32(m.a), n, { root: 4, kernel: 'js' }).root, exact));
      res.push(t.residual.dataSync()[0]);
      itErr.push(t.iterationError.dataSync()[0]);
      tf.dispose([input, t.root, t.residual, t.activeIterations, t.iterationError]);
    }
  }
  console.log(`${fmt(cond)} | ${fmt(worstOf(err))} | ${fmt(worstOf(rounding))} | ${fmt(worstOf(res))} | ${fmt(worstOf(itErr))}`);
}

console.log('\nfloat32 newtonSchulzTensor vs float64 newtonSchulz (shapes 8x8, 20x7, 5x30, 48x48; 3 seeds):');
for (const logCond of [0, 1, 2, 3]) {
  const err: number[] = [];
  for (const [rows, cols] of [[8, 8], [20, 7], [5, 30], [48, 48]]) {
    for (let seed = 0; seed < 3; seed++) {
      const g = withSpectrum(rows, cols, logCond, seed);
      const input = tf.tensor2d(Float32Array.from(g), [rows, cols]);
      const x = newtonSchulzTensor(input);
      err.push(relativeError(Float64Array.from(x.dataSync()), newtonSchulz(g, rows, cols)));
      tf.dispose([input, x]);
    }
  }
  console.log(`  cond(G) 1e${logCond}: worst relative error ${fmt(worstOf(err))}`);
}

console.log('\nfloat32 qrIterationStepTensor vs one float64 qrIterationEigenbasis step (n in {4, 16, 32}, 3 seeds):');
for (const cond of [10, 1e3, 1e5]) {
  const vec: number[] = [], val: number[] = [], ratio: number[] = [];
  for (const n of [4, 16, 32]) {
    for (let seed = 0; seed < 3; seed++) {
      const m = spdWithCondition({ n, cond, seed });
      const start = randomOrthogonal(n, seed + 5);
      const ref = qrIterationEigenbasis(m.a, n, start, { steps: 1 });
      const a = tf.tensor2d(Float32Array.from(m.a), [n, n]);
      const q = tf.tensor2d(Float32Array.from(start), [n, n]);
      const t = qrIterationStepTensor(a, q);
      const v = Float64Array.from(t.vectors.dataSync());
      let d = 0;
      for (let j = 0; j < n; j++) {
        let plus = 0, minus = 0;
        for (let i = 0; i < n; i++) {
          plus = Math.max(plus, Math.abs(v[i * n + j] - ref.vectors[i * n + j]));
          minus = Math.max(minus, Math.abs(v[i * n + j] + ref.vectors[i * n + j]));
        }
        d = Math.max(d, Math.min(plus, minus));
      }
      vec.push(d);
      val.push(relativeError(Float64Array.from(t.values.dataSync()), ref.values));
      ratio.push(Math.abs(t.offDiagonalRatio.dataSync()[0] - ref.offDiagonalRatio));
      tf.dispose([a, q, t.vectors, t.values, t.offDiagonalRatio]);
    }
  }
  console.log(`  cond ${fmt(cond)}: vectors (up to sign, max entry) ${fmt(worstOf(vec))}, values (rel) ${fmt(worstOf(val))}, off-diagonal ratio ${fmt(worstOf(ratio))}`);
}

function fmt(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x.toExponential(2);
}

function withSpectrum(rows: number, cols: number, logCond: number, seed: number): Float64Array {
  const k = Math.min(rows, cols);
  const u = randomOrthogonal(rows, seed);
  const v = randomOrthogonal(cols, seed + 1);
  const s = Array.from({ length: k }, (_, i) => Math.pow(10, -logCond * (k === 1 ? 0 : i / (k - 1))));
  const g = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let t = 0;
      for (let q = 0; q < k; q++) t += u[i * rows + q] * s[q] * v[j * cols + q];
      g[i * cols + j] = t;
    }
  }
  return g;
}
