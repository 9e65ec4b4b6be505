/**
 * fast-check arbitraries for float64 matrices (row-major Float64Array). Entry-wise ones
 * (`arbMatrix`, `arbSymmetricMatrix`) shrink towards small, zero matrices; structured ones
 * map a seed integer and shrink in n, the seed and their parameters, and are reproducible
 * from fast-check's seed.
 */
import fc from 'fast-check';
import { randomOrthogonal } from '../matrix/orthogonal.js';
import { spdWithCondition, type SpdMatrix } from '../matrix/spd.js';
import { lowRankPlusRidge, type LowRankMatrix } from '../matrix/low-rank.js';
import { clusteredSymmetric, type ClusteredMatrix } from '../matrix/clustered.js';
import { checkIntRange, checkRealRange } from './options.js';

/** Size range of square matrices: n in [minN, maxN]. Defaults 1 and 16. */
export interface SizeOptions {
  minN?: number;
  maxN?: number;
}

function arbN(fn: string, options: SizeOptions): fc.Arbitrary<number> {
  const { minN = 1, maxN = 16 } = options;
  checkIntRange(fn, 'minN', minN, 'maxN', maxN, 1);
  return fc.integer({ min: minN, max: maxN });
}

const arbSeed = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 0x7fffffff });

function entries(count: number, maxAbs: number): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.double({ min: -maxAbs, max: maxAbs, noNaN: true }), { minLength: count, maxLength: count })
    .map((xs) => Float64Array.from(xs));
}

/** A general rows x cols matrix with entries uniform-ish in [-maxAbs, maxAbs] (fast-check doubles: edge values included). */
export function arbMatrix(
  options: { minRows?: number; maxRows?: number; minCols?: number; maxCols?: number; maxAbs?: number } = {},
): fc.Arbitrary<{ rows: number; cols: number; data: Float64Array }> {
  const { minRows = 1, maxRows = 8, minCols = 1, maxCols = 8, maxAbs = 1 } = options;
  checkIntRange('arbMatrix', 'minRows', minRows, 'maxRows', maxRows);
  checkIntRange('arbMatrix', 'minCols', minCols, 'maxCols', maxCols);
  checkRealRange('arbMatrix', 'maxAbs', maxAbs, 'maxAbs', maxAbs, 0, false);
  return fc
    .record({ rows: fc.integer({ min: minRows, max: maxRows }), cols: fc.integer({ min: minCols, max: maxCols }) })
    .chain(({ rows, cols }) => entries(rows * cols, maxAbs).map((data) => ({ rows, cols, data })));
}

/** A symmetric n x n matrix (indefinite in general): the upper triangle drawn, mirrored below, entries in [-maxAbs, maxAbs]. */
export function arbSymmetricMatrix(options: SizeOptions & { maxAbs?: number } = {}): fc.Arbitrary<{ n: number; a: Float64Array }> {
  const { maxAbs = 1 } = options;
  checkRealRange('arbSymmetricMatrix', 'maxAbs', maxAbs, 'maxAbs', maxAbs, 0, false);
  return arbN('arbSymmetricMatrix', options).chain((n) =>
    entries((n * (n + 1)) / 2, maxAbs).map((upper) => {
      const a = new Float64Array(n * n);
      let k = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          a[i * n + j] = upper[k];
          a[j * n + i] = upper[k++];
        }
      }
      return { n, a };
    }),
  );
}

/** A random n x n orthogonal matrix, `randomOrthogonal(n, seed)` (Householder product of Gaussian vectors). */
export function arbOrthogonal(options: SizeOptions = {}): fc.Arbitrary<{ n: number; q: Float64Array; seed: number }> {
  return fc.record({ n: arbN('arbOrthogonal', options), seed: arbSeed() }).map(({ n, seed }) => ({ n, seed, q: randomOrthogonal(n, seed) }));
}

export interface SpdOptions extends SizeOptions {
  /** Condition numbers are drawn log-uniformly in [minCond, maxCond]. Defaults 1 and 1e10. */
  minCond?: number;
  maxCond?: number;
  /** lambda_max is drawn log-uniformly in [minScale, maxScale]. Defaults 1 and 1. */
  minScale?: number;
  maxScale?: number;
}

/**
 * SPD matrices `spdWithCondition({ n, cond, scale, seed })`: Q diag(logspace(0, -log10 cond, n) * scale) Q^T
 * with the exact eigenvalues (ascending), Q and the seed. log10(cond) and log10(scale) are
 * fast-check doubles, so the range ends are drawn too.
 */
export function arbSpd(options: SpdOptions = {}): fc.Arbitrary<SpdMatrix & { seed: number }> {
  const { minCond = 1, maxCond = 1e10, minScale = 1, maxScale = 1 } = options;
  checkRealRange('arbSpd', 'minCond', minCond, 'maxCond', maxCond, 1, true);
  checkRealRange('arbSpd', 'minScale', minScale, 'maxScale', maxScale, 0, false);
  const logRange = (lo: number, hi: number): fc.Arbitrary<number> =>
    lo === hi ? fc.constant(lo) : fc.double({ min: Math.log10(lo), max: Math.log10(hi), noNaN: true }).map((e) => 10 ** e);
  return fc
    .record({ n: arbN('arbSpd', options), cond: logRange(minCond, maxCond), scale: logRange(minScale, maxScale), seed: arbSeed() })
    .map(({ n, cond, scale, seed }) => ({ ...spdWithCondition({ n, cond: Math.max(1, cond), scale, seed }), seed }));
}

export interface LowRankOptions extends SizeOptions {
  /** Smallest rank of G; default 1 (0 allows G G^T = 0). The rank is drawn in [min(minRank, n), n]. */
  minRank?: number;
  /** Ridges to choose from; default [0, 1e-10, 1e-6, 1e-3, 1]. */
  eps?: readonly number[];
}

/** Low-rank plus ridge `lowRankPlusRidge({ n, rank, eps, seed })`: A = G G^T + eps I, rank in [min(minRank, n), n]. */
export function arbLowRank(options: LowRankOptions = {}): fc.Arbitrary<LowRankMatrix & { seed: number }> {
  const { minRank = 1, eps = [0, 1e-10, 1e-6, 1e-3, 1] } = options;
  checkIntRange('arbLowRank', 'minRank', minRank, 'minRank', minRank);
  if (eps.length === 0 || eps.some((e) => !(e >= 0 && Number.isFinite(e)))) {
    throw new RangeError(`arbLowRank: eps is [${eps.join(', ')}]; allowed: a non-empty list of finite numbers >= 0`);
  }
  return arbN('arbLowRank', options).chain((n) =>
    fc
      .record({ rank: fc.integer({ min: Math.min(minRank, n), max: n }), eps: fc.constantFrom(...eps), seed: arbSeed() })
      .map(({ rank, eps: e, seed }) => ({ ...lowRankPlusRidge({ n, rank, eps: e, seed }), seed })),
  );
}

export interface ClusteredOptions extends SizeOptions {
  /** At most this many distinct eigenvalues; default 3. */
  maxClusters?: number;
  /** Allow negative and zero eigenvalues (values k / 4, k in [-40, 40]); default false: values 10^(k/4), k in [-12, 12]. */
  signed?: boolean;
  /** Relative jitter inside a cluster (see `clusteredSymmetric`); default 0, exact repeats. */
  spread?: number;
}

/**
 * Symmetric matrices with repeated eigenvalues `clusteredSymmetric(...)`: n split into
 * c <= maxClusters positive multiplicities with distinct cluster values (positive by
 * default, so the matrix is SPD), random orthogonal basis.
 */
export function arbClusteredSymmetric(options: ClusteredOptions = {}): fc.Arbitrary<ClusteredMatrix & { seed: number }> {
  const { maxClusters = 3, signed = false, spread = 0 } = options;
  checkIntRange('arbClusteredSymmetric', 'maxClusters', maxClusters, 'maxClusters', maxClusters, 1);
  const keyArb = signed ? fc.integer({ min: -40, max: 40 }) : fc.integer({ min: -12, max: 12 });
  const valueOf = (k: number): number => (signed ? k / 4 : 10 ** (k / 4));
  return arbN('arbClusteredSymmetric', options).chain((n) =>
    fc.integer({ min: 1, max: Math.min(n, maxClusters) }).chain((c) =>
      fc
        .record({
          cuts: c === 1 ? fc.constant([]) : fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { minLength: c - 1, maxLength: c - 1 }),
          keys: fc.uniqueArray(keyArb, { minLength: c, maxLength: c }),
          seed: arbSeed(),
        })
        .map(({ cuts, keys, seed }) => {
          const bounds = [0, ...[...cuts].sort((x, y) => x - y), n];
          const clusters = keys.map((k, i) => ({ value: valueOf(k), multiplicity: bounds[i + 1] - bounds[i] }));
          return { ...clusteredSymmetric({ clusters, seed, spread }), seed };
        }),
    ),
  );
}
