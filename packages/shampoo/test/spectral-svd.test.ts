/**
 * Spectral descent with orthogonalization 'svd': the exact polar factor U V^T of the block
 * (the reference's SVDOrthogonalizationConfig), optionally times the nuclear norm, against
 * a float64 oracle from the testing kit's Jacobi eigensolver, and compared with Newton-Schulz.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { scaleByShampoo, type ShampooOptions } from '@shampoo-ts/shampoo';
import { gaussianMatrix } from '@shampoo-ts/testing';
import { expectClose, matmul, runUpdates, symmetricPower, transpose } from './helpers.js';

/** U V^T of G = U S V^T (rows x cols): (G G^T)^(-1/2) G, and sum(s) = trace((G G^T)^(1/2)). */
function polarOracle(g: Float64Array, rows: number, cols: number): { polar: Float64Array; nuclear: number } {
  const gram = matmul(g, transpose(g, rows, cols), rows, cols, rows);
  const polar = matmul(symmetricPower(gram, rows, -0.5), g, rows, rows, cols);
  const root = symmetricPower(gram, rows, 0.5);
  let nuclear = 0;
  for (let i = 0; i < rows; i++) nuclear += root[i * rows + i];
  return { polar, nuclear };
}

/** The direction of one step for a rows x cols parameter with gradient g. */
function direction(g: Float64Array, rows: number, cols: number, preconditioner: ShampooOptions['preconditioner']): Float32Array {
  const w = tf.zeros([rows, cols]);
  const grad = tf.tensor2d(Float32Array.from(g), [rows, cols]);
  const { updates, state } = runUpdates(scaleByShampoo({ betas: [0, 1], maxPreconditionerDim: Infinity, targetParameterDimensionality: 2, preconditioner }), { w }, [{ w: grad }]);
  tf.dispose([w, grad, state as never]);
  return updates[0][0];
}

/** max |O O^T - I| for the rows x cols (rows <= cols) matrix O. */
function rowOrthogonalityError(o: ArrayLike<number>, rows: number, cols: number): number {
  const oot = matmul(Float64Array.from(o), transpose(Float64Array.from(o), rows, cols), rows, cols, rows);
  return Math.max(...Array.from(oot, (v, k) => Math.abs(v - (k % (rows + 1) === 0 ? 1 : 0))));
}

describe("spectral descent with orthogonalization 'svd'", () => {
  it('is U V^T of the block times scaleByDims, wide and tall, and times the nuclear norm with scaleByNuclearNorm', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom([2, 5], [5, 3]), (seed, [rows, cols]) => {
        const g = Float64Array.from(Float32Array.from(gaussianMatrix(rows, cols, seed)));
        // The oracle works on the wide orientation (rows <= cols): transpose tall blocks.
        const wide = rows <= cols;
        const o = wide ? polarOracle(g, rows, cols) : polarOracle(transpose(g, rows, cols), cols, rows);
        const polar = wide ? o.polar : transpose(o.polar, cols, rows);
        const scaleByDims = (dIn: number, dOut: number) => dIn + 10 * dOut;
        const scale = cols + 10 * rows;
        expectClose(direction(g, rows, cols, { type: 'spectral-descent', orthogonalization: 'svd', scaleByDims }), polar.map((v) => v * scale), 1e-5, 1e-5, 'U V^T');
        expectClose(direction(g, rows, cols, { type: 'spectral-descent', orthogonalization: 'svd', scaleByNuclearNorm: true }), polar.map((v) => v * o.nuclear), 1e-5, 1e-5, 'nuclear');
      }),
      { numRuns: 10 },
    );
  });

  it("matches Newton-Schulz with convergent coefficients (3, -16/5, 6/5), while Muon's coefficients only reach a band around 1", () => {
    const [rows, cols] = [3, 6];
    const g = Float64Array.from(Float32Array.from(gaussianMatrix(rows, cols, 11)));
    const svd = direction(g, rows, cols, { type: 'spectral-descent', orthogonalization: 'svd' });
    const convergent = direction(g, rows, cols, { type: 'spectral-descent', coefficients: [3, -16 / 5, 6 / 5], steps: 60 });
    const muon = direction(g, rows, cols, { type: 'spectral-descent' });
    expect(rowOrthogonalityError(svd, rows, cols)).toBeLessThan(1e-6);
    expectClose(convergent, svd, 1e-3, 1e-4, 'convergent Newton-Schulz');
    expect(rowOrthogonalityError(muon, rows, cols)).toBeGreaterThan(1e-2);
  });

  it('leaks no tensors across steps', () => {
    const w = tf.zeros([3, 4]);
    const tx = scaleByShampoo({ maxPreconditionerDim: Infinity, targetParameterDimensionality: 2, preconditioner: { type: 'spectral-descent', orthogonalization: 'svd' } });
    let state = tx.init({ w });
    const counts: number[] = [];
    for (let t = 0; t < 4; t++) {
      const g = { w: tf.tensor2d(Float32Array.from(gaussianMatrix(3, 4, t + 1)), [3, 4]) };
      const [u, next] = tx.update(g, state, { w });
      tf.dispose([g.w, u as never, state as never]);
      state = next;
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    tf.dispose([w, state as never]);
  });

  it('rejects options of the other orthogonalization, naming them', () => {
    const reject = (preconditioner: ShampooOptions['preconditioner'], message: string) => expect(() => scaleByShampoo({ preconditioner })).toThrow(message);
    reject({ type: 'spectral-descent', orthogonalization: 'qr' as never }, `scaleByShampoo: preconditioner.orthogonalization = "qr" is not allowed; allowed: 'newton-schulz' or 'svd'`);
    reject({ type: 'spectral-descent', scaleByNuclearNorm: true }, "scaleByShampoo: preconditioner.scaleByNuclearNorm = true is not allowed; allowed: only with orthogonalization 'svd'");
    reject({ type: 'spectral-descent', orthogonalization: 'svd', steps: 3 }, "scaleByShampoo: preconditioner.steps = 3 is not allowed; allowed: only with orthogonalization 'newton-schulz'");
  });
});
