/** Symmetric matrices with repeated (clustered) eigenvalues, the hard case for eigensolvers. */
import { fromEigenpairs, randomOrthogonal } from './orthogonal.js';
import { seededRandom } from './seeded-random.js';
import type { KnownSpectrumMatrix } from './spd.js';
import { assertDimension } from './validate.js';

/** One cluster: `multiplicity` eigenvalues at (or, with spread, near) `value`. */
export interface EigenvalueCluster {
  value: number;
  multiplicity: number;
}

/** What `clusteredSymmetric` builds: A = Q diag(λ) Qᵀ whose eigenvalues repeat in the given clusters. */
export interface ClusteredSpec {
  clusters: readonly EigenvalueCluster[];
  seed: number;
  /** Relative jitter: each eigenvalue is value * (1 + spread * (u - 1/2)), u ~ U[0, 1). Default 0 (exact repeats). */
  spread?: number;
}

export interface ClusteredMatrix extends KnownSpectrumMatrix {
  clusters: EigenvalueCluster[];
}

/**
 * A = Q diag(lambda) Q^T with Q = randomOrthogonal(n, seed), n = sum of multiplicities, and
 * lambda made of each cluster's value repeated `multiplicity` times (jittered by `spread`),
 * sorted ascending. With spread = 0 the eigenvalue `value` has exactly that multiplicity,
 * so only its eigenspace, not individual eigenvectors, is determined.
 */
export function clusteredSymmetric(spec: ClusteredSpec): ClusteredMatrix {
  const { clusters, seed, spread = 0 } = spec;
  if (!Array.isArray(clusters) || clusters.length === 0) {
    throw new RangeError(`clusteredSymmetric: clusters has ${String(clusters?.length)} entries; allowed: at least one cluster`);
  }
  clusters.forEach((c, i) => {
    assertDimension('clusteredSymmetric', `clusters[${i}].multiplicity`, c.multiplicity, 1);
    if (!Number.isFinite(c.value)) throw new RangeError(`clusteredSymmetric: clusters[${i}].value is ${c.value}; allowed: a finite number`);
  });
  if (!(spread >= 0 && spread < 1)) throw new RangeError(`clusteredSymmetric: spread is ${spread}; allowed: 0 <= spread < 1`);
  const rng = seededRandom(seed ^ 0x5bd1e995);
  const values: number[] = [];
  for (const c of clusters) {
    for (let k = 0; k < c.multiplicity; k++) values.push(c.value * (1 + spread * (rng.uniform() - 0.5)));
  }
  values.sort((x, y) => x - y);
  const n = values.length;
  const eigenvalues = Float64Array.from(values);
  const q = randomOrthogonal(n, seed);
  return { n, a: fromEigenpairs(q, eigenvalues, n), eigenvalues, q, clusters: clusters.map((c) => ({ ...c })) };
}
