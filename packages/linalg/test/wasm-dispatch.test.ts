/**
 * The symmetricEigen dispatcher: 'wasm' and 'auto' (SIMD is available in Node 20) run the
 * WebAssembly kernel, 'js' the TypeScript reference, and the solvers built on the
 * dispatcher (inverseRoot) get the same roots either way, to rounding.
 */
import { describe, expect, it } from 'vitest';
import { spdWithCondition } from '@shampoo-ts/testing';
import { inverseRoot, matrixPowerFromEigen, symmetricEigen, symmetricEigenJs, symmetricEigenWasm } from '../src/index.js';
import { congruenceWithDiagonal } from '../src/rankK.js';
import { congruenceWithDiagonalWasm } from '../src/wasm/index.js';

describe('symmetricEigen kernel choice', () => {
  const m = spdWithCondition({ n: 40, cond: 1e4, seed: 11 });

  it("'wasm' and 'auto' return exactly the WebAssembly result, 'js' exactly the TypeScript one", () => {
    const wasm = symmetricEigenWasm(m.a, 40);
    const js = symmetricEigenJs(m.a, 40);
    for (const kernel of ['wasm', 'auto'] as const) {
      const r = symmetricEigen(m.a, 40, { kernel });
      expect(r.values).toEqual(wasm.values);
      expect(r.vectors).toEqual(wasm.vectors);
    }
    const r = symmetricEigen(m.a, 40, { kernel: 'js' });
    expect(r.values).toEqual(js.values);
    expect(r.vectors).toEqual(js.vectors);
    // the two kernels are different code: equal to rounding, not bit for bit
    expect(wasm.vectors).not.toEqual(js.vectors);
  });

  it('inverseRoot gives the same A^(-1/4) with either kernel, to the accuracy cond(A) allows', () => {
    const x = inverseRoot(m.a, 40, { root: 4, kernel: 'wasm' });
    const y = inverseRoot(m.a, 40, { root: 4, kernel: 'js' });
    let diff = 0, norm = 0;
    for (let i = 0; i < x.root.length; i++) {
      diff = Math.max(diff, Math.abs(x.root[i] - y.root[i]));
      norm = Math.max(norm, Math.abs(y.root[i]));
    }
    expect(diff / norm).toBeLessThan(1e4 * 40 * 2 ** -52);
    expect(x.residual).toBeLessThan(1e-9);
  });

  it("matrixPowerFromEigen: 'wasm' and 'auto' form V diag(f) V^T with the WebAssembly product, 'js' with the TypeScript one", () => {
    const eigen = symmetricEigenJs(m.a, 40);
    const f = eigen.values.map((l) => 1 / l);
    const wasm = congruenceWithDiagonalWasm(eigen.vectors, f, 40);
    const js = congruenceWithDiagonal(eigen.vectors, f, 40);
    expect(matrixPowerFromEigen(eigen, -1, { kernel: 'wasm' })).toEqual(wasm);
    expect(matrixPowerFromEigen(eigen, -1)).toEqual(wasm);
    expect(matrixPowerFromEigen(eigen, -1, { kernel: 'js' })).toEqual(js);
    let diff = 0, norm = 0;
    for (let i = 0; i < js.length; i++) {
      diff = Math.max(diff, Math.abs(wasm[i] - js[i]));
      norm = Math.max(norm, Math.abs(js[i]));
    }
    expect(diff / norm).toBeLessThan(40 * 2 ** -52);
    expect(() => matrixPowerFromEigen(eigen, -0.25, { kernel: 'gpu' as never })).toThrow(/matrixPowerFromEigen: kernel must be one of 'auto', 'js', 'wasm', got "gpu"/);
  });
});
