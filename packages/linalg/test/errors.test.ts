/**
 * Invalid input throws an Error naming the argument, the value and what is allowed, and
 * changes nothing; non-convergence never throws (tested with the solvers).
 */
import { describe, expect, it } from 'vitest';
import { spdWithCondition } from '@shampoo-ts/testing';
import {
  coupledHigherOrderInverseRoot,
  coupledNewtonInverseRoot,
  householderQr,
  inverseRoot,
  matmul,
  matrixPowerFromEigen,
  newtonSchulz,
  packSymmetric,
  polarFactor,
  qrIterationEigenbasis,
  symmetricEigen,
  symmetricEigenJs,
  symmetricRankKUpdate,
  traceScale,
  unpackSymmetric,
} from '@shampoo-ts/linalg';

const spd = spdWithCondition({ n: 3, cond: 10, seed: 1 }).a;

/** Runs fn on copies, expects it to throw `pattern`, and checks the inputs are unchanged. */
function rejects(pattern: RegExp, fn: (...args: Float64Array[]) => unknown, ...inputs: Float64Array[]): void {
  const copies = inputs.map((x) => Float64Array.from(x));
  expect(() => fn(...copies)).toThrow(pattern);
  copies.forEach((c, i) => expect(Array.from(c)).toEqual(Array.from(inputs[i])));
}

describe('matrix shape and contents', () => {
  it('length != n * n (not square) names the argument, the length and n', () => {
    rejects(/symmetricEigenJs: a has length 6, but a 3 x 3 matrix needs n \* n = 3 \* 3 = 9 entries \(not square/, (a) => symmetricEigenJs(a, 3), new Float64Array(6));
    rejects(/inverseRoot: a has length 8/, (a) => inverseRoot(a, 3, { root: 2 }), new Float64Array(8));
    rejects(/coupledNewtonInverseRoot: a has length 4/, (a) => coupledNewtonInverseRoot(a, 3, { root: 2 }), new Float64Array(4));
    rejects(/householderQr: a has length 5, but a 2 x 3 matrix needs rows \* cols = 2 \* 3 = 6/, (a) => householderQr(a, 2, 3), new Float64Array(5));
    rejects(/matmul: b has length 5/, (a, b) => matmul(a, b, 2, 2, 3), new Float64Array(4), new Float64Array(5));
  });

  it('n not a non-negative integer, a not a Float64Array', () => {
    expect(() => symmetricEigenJs(new Float64Array(4), 1.5)).toThrow(/symmetricEigenJs: n must be a non-negative integer, got 1.5/);
    expect(() => symmetricEigenJs([1, 0, 0, 1] as unknown as Float64Array, 2)).toThrow(/a must be a Float64Array \(row-major\)/);
    expect(() => inverseRoot(Float32Array.of(1) as unknown as Float64Array, 1, { root: 2 })).toThrow(/a must be a Float64Array, got Float32Array\(1\)|a must be a Float64Array \(row-major\), got Float32Array\(1\)/);
  });

  it('NaN or Inf is reported with its position', () => {
    const bad = Float64Array.from(spd);
    bad[5] = NaN;
    rejects(/symmetricEigenJs: a\[1\]\[2\] is NaN; every entry must be finite/, (a) => symmetricEigenJs(a, 3), bad);
    const inf = Float64Array.from(spd);
    inf[4] = Infinity;
    rejects(/inverseRoot: a\[1\]\[1\] is Infinity/, (a) => inverseRoot(a, 3, { root: 4 }), inf);
    rejects(/newtonSchulz: g\[0\]\[1\] is -Infinity/, (g) => newtonSchulz(g, 2, 2), Float64Array.of(1, -Infinity, 0, 1));
    rejects(/polarFactor: g\[1\]\[0\] is NaN/, (g) => polarFactor(g, 2, 1), Float64Array.of(1, NaN));
    rejects(/unpackSymmetric: p\[2\] is NaN/, (p) => unpackSymmetric(p, 2), Float64Array.of(1, 2, NaN));
    rejects(/matmul: a\[0\]\[0\] is NaN/, (a, b) => matmul(a, b, 1, 1, 1), Float64Array.of(NaN), Float64Array.of(1));
  });

  it('not symmetric beyond the relative tolerance: names the entry, both values and the tolerance', () => {
    const a = Float64Array.from(spd);
    a[1] += 1e-3;
    rejects(/symmetricEigenJs: a must be symmetric: \|a\[0\]\[1\] - a\[1\]\[0\]\| = .* exceeds symmetryTolerance \* max\|a\| = 0.000001 \*/, (x) => symmetricEigenJs(x, 3), a);
    rejects(/inverseRoot: a must be symmetric/, (x) => inverseRoot(x, 3, { root: 2 }), a);
    rejects(/qrIterationEigenbasis: a must be symmetric/, (x, q) => qrIterationEigenbasis(x, 3, q), a, Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1));
    // a looser tolerance accepts it
    expect(() => symmetricEigenJs(a, 3, { symmetryTolerance: 1e-2 })).not.toThrow();
  });
});

describe('options', () => {
  it('root <= 0 (or not finite) is rejected by every root solver', () => {
    for (const root of [0, -2, NaN, Infinity]) {
      rejects(new RegExp(`inverseRoot: root must be a finite number > 0, got ${root}`), (a) => inverseRoot(a, 3, { root }), spd);
    }
    rejects(/coupledNewtonInverseRoot: root must be an integer >= 1, got 0/, (a) => coupledNewtonInverseRoot(a, 3, { root: 0 }), spd);
    rejects(/coupledHigherOrderInverseRoot: root must be a finite number > 0, got -1/, (a) => coupledHigherOrderInverseRoot(a, 3, { root: -1 }), spd);
  });

  it('newton needs an integer root; higher order a small-denominator rational', () => {
    rejects(/inverseRoot: root \(method newton\) must be an integer >= 1, got 2.5/, (a) => inverseRoot(a, 3, { root: 2.5, method: 'newton' }), spd);
    rejects(/root = 3.14159.* is not a rational p\/q with denominator <= 64/, (a) => coupledHigherOrderInverseRoot(a, 3, { root: Math.PI }), spd);
  });

  it('epsilon < 0 is rejected', () => {
    rejects(/inverseRoot: epsilon must be a finite number >= 0, got -0.001/, (a) => inverseRoot(a, 3, { root: 2, epsilon: -1e-3 }), spd);
    rejects(/coupledNewtonInverseRoot: epsilon must be a finite number >= 0, got -1/, (a) => coupledNewtonInverseRoot(a, 3, { root: 2, epsilon: -1 }), spd);
    rejects(/coupledHigherOrderInverseRoot: relativeEpsilon must be a finite number >= 0, got -1/, (a) => coupledHigherOrderInverseRoot(a, 3, { root: 2, relativeEpsilon: -1 }), spd);
  });

  it('pseudo-inverse with epsilon != 0, or with an iterative method, is rejected', () => {
    rejects(/inverseRoot: epsilon = 1e-12 must be 0 with rankDeficiency.mode 'pseudo-inverse'/, (a) =>
      inverseRoot(a, 3, { root: 2, epsilon: 1e-12, rankDeficiency: { mode: 'pseudo-inverse' } }), spd);
    rejects(/needs method 'eigen', got method 'newton'/, (a) => inverseRoot(a, 3, { root: 2, method: 'newton', rankDeficiency: { mode: 'pseudo-inverse' } }), spd);
    rejects(/rankDeficiency.rtol must be a finite number >= 0, got -1/, (a) => inverseRoot(a, 3, { root: 2, rankDeficiency: { mode: 'pseudo-inverse', rtol: -1 } }), spd);
  });

  it('unknown method, mode or kernel name the allowed choices', () => {
    rejects(/inverseRoot: method must be one of 'eigen', 'newton', 'higher-order', got "svd"/, (a) => inverseRoot(a, 3, { root: 2, method: 'svd' as 'eigen' }), spd);
    rejects(/rankDeficiency.mode must be one of 'perturbation', 'pseudo-inverse', got "clip"/, (a) =>
      inverseRoot(a, 3, { root: 2, rankDeficiency: { mode: 'clip' } as unknown as { mode: 'perturbation' } }), spd);
    rejects(/symmetricEigen: kernel must be one of 'auto', 'js', 'wasm', got "gpu"/, (a) => symmetricEigen(a, 3, { kernel: 'gpu' as 'js' }), spd);
  });

  it('iteration options, QR options, Newton-Schulz options, rank-k side', () => {
    rejects(/maxIterations must be an integer >= 0, got 1.5/, (a) => coupledNewtonInverseRoot(a, 3, { root: 2, maxIterations: 1.5 }), spd);
    rejects(/order must be an integer >= 2, got 1/, (a) => coupledHigherOrderInverseRoot(a, 3, { root: 2, order: 1 }), spd);
    rejects(/qrIterationEigenbasis: tolerance must be in \[0, 1\], got 2/, (a, q) => qrIterationEigenbasis(a, 3, q, { tolerance: 2 }), spd, new Float64Array(9));
    rejects(/qrIterationEigenbasis: previousVectors has length 4/, (a, q) => qrIterationEigenbasis(a, 3, q), spd, new Float64Array(4));
    rejects(/newtonSchulz: steps must be an integer >= 0, got -1/, (g) => newtonSchulz(g, 1, 1, { steps: -1 }), Float64Array.of(1));
    rejects(/newtonSchulz: coefficients must be an array \[a, b, c\] of 3 numbers/, (g) => newtonSchulz(g, 1, 1, { coefficients: [1, 2] as unknown as [number, number, number] }), Float64Array.of(1));
    rejects(/symmetricRankKUpdate: side must be one of 'left', 'right', got "up"/, (c, g) => symmetricRankKUpdate(c, g, 1, 1, { side: 'up' as 'left' }), Float64Array.of(1), Float64Array.of(1));
    rejects(/symmetricRankKUpdate: c has length 1, but a 2 x 2 matrix needs/, (c, g) => symmetricRankKUpdate(c, g, 2, 1), Float64Array.of(1), Float64Array.of(1, 2));
  });

  it('packing, trace scaling, matrix powers', () => {
    expect(() => unpackSymmetric(new Float64Array(5), 3)).toThrow(/unpackSymmetric: p has length 5, but the packed upper triangle of 3 x 3 needs n\(n\+1\)\/2 = 6/);
    rejects(/packSymmetric: a has length 3/, (a) => packSymmetric(a, 2), new Float64Array(3));
    rejects(/traceScale: trace\(a\) = -1 is negative/, (a) => traceScale(a, 1), Float64Array.of(-1));
    rejects(/traceScale: exponent must be a finite number, got NaN/, (a) => traceScale(a, 1, NaN), Float64Array.of(1));
    const eigen = symmetricEigenJs(Float64Array.of(-1, 0, 0, 1), 2);
    expect(() => matrixPowerFromEigen(eigen, -0.5)).toThrow(/matrixPowerFromEigen: eigenvalue 0 is -1 and -1\^-0.5 = NaN is not finite/);
  });
});
