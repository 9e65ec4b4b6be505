/**
 * `npm run bench -- linalg`: float64 symmetric eigendecomposition side by side in one run:
 * ours (WebAssembly SIMD kernel and TypeScript reference, through the public
 * `symmetricEigen`) vs LAPACK dsyevd (numpy.linalg.eigh, OpenBLAS, one thread) vs
 * ml-matrix's EigenvalueDecomposition; plus the inverse 4th root end to end
 * (`inverseRoot`, eigen method, vs numpy eigh + V diag V^T vs ml-matrix) and a batch of
 * 64 blocks of 128 (Shampoo's usual shape).
 *
 * Every implementation gets the same matrices: A = G G^T / n + 1e-3 I with G n x n
 * standard normal from a fixed seed (a Shampoo factor: a sum of outer products, damped).
 * Times are wall-clock medians after one warm-up run. Writes bench-results/linalg.json
 * ({ n, ours_ms, lapack_ms, mlmatrix_ms, residual } rows plus more fields) and
 * linalg.svg.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { inverseRoot, matmul, symmetricEigen, symmetricRankKUpdate, type EigenKernel } from '@shampoo-ts/linalg';
import { eigenResidual, gaussianMatrix, orthogonalityError } from '@shampoo-ts/testing';
import { loadavg } from 'node:os';
import type { BenchSuite, SuiteContext } from '../suite.js';
import { median, timeRuns } from '../lib/stats.js';
import { formatTable, type Cell } from '../lib/table.js';
import { machineInfo } from '../lib/results.js';
import { writeFilesAtomically } from '../output/atomic-output.js';
import { intFlag } from '../util/flag-values.js';
import { lineChart } from '../lib/svg.js';
import { DEBIAN_PYTHON, defaultPython, runLapack, type LapackCase, type LapackOutcome } from '../lib/lapack.js';

type CaseKind = 'eigh' | 'inverse_root_4' | 'batch';

export interface LinalgRow {
  case: CaseKind;
  n: number;
  /** Matrices per timed call (the batch case), else 1. */
  count: number;
  /** Ours with the default kernel choice ('auto': WebAssembly where SIMD is available). */
  ours_ms: number;
  ours_kernel: EigenKernel;
  ours_js_ms: number | null;
  lapack_ms: number | null;
  mlmatrix_ms: number | null;
  /** eigh/batch: ||A V - V diag(lambda)||_F / ||A||_F (max over the batch); root: max|X^4 A - I|. */
  residual: number;
  orthogonality: number | null;
  js_residual: number | null;
  lapack_residual: number | null;
  lapack_orthogonality: number | null;
  mlmatrix_residual: number | null;
  /** ours_ms / lapack_ms. */
  ratio_to_lapack: number | null;
  /** Medians of process CPU time (the steadier numbers when other processes share the cores). */
  ours_cpu_ms: number;
  lapack_cpu_ms: number | null;
  /** ours_cpu_ms / lapack_cpu_ms. */
  cpu_ratio_to_lapack: number | null;
  runs: number;
}

interface Plan {
  eighSizes: number[];
  rootSizes: number[];
  batch: { count: number; n: number };
  mlMatrixMax: number;
  runs: (n: number, slow: boolean) => number;
}

function plan(quick: boolean, sizes: number[] | undefined, runsOverride: number | undefined): Plan {
  const base: Plan = quick
    ? { eighSizes: [64, 128], rootSizes: [128], batch: { count: 8, n: 64 }, mlMatrixMax: 128, runs: () => 3 }
    : {
        eighSizes: [128, 256, 512, 1024],
        rootSizes: [128, 256, 512, 1024],
        batch: { count: 64, n: 128 },
        mlMatrixMax: 512,
        runs: (n, slow) => (slow && n >= 512 ? 3 : n <= 256 ? 11 : n <= 512 ? 7 : 5),
      };
  if (sizes !== undefined) {
    base.eighSizes = sizes;
    base.rootSizes = sizes;
  }
  if (runsOverride !== undefined) base.runs = () => runsOverride;
  return base;
}

/** A = G G^T / n + 1e-3 I, G standard normal (seeded): SPD, condition number about 4e3. */
export function dampedGram(n: number, seed: number): Float64Array {
  const g = gaussianMatrix(n, n, seed);
  const a = symmetricRankKUpdate(new Float64Array(n * n), g, n, n, { alpha: 1 / n, beta: 0 });
  for (let i = 0; i < n; i++) a[i * n + i] += 1e-3;
  return a;
}

/** max_ij |(X^4 A - I)_ij|, the residual convention of the library's root solvers. */
function rootResidual(x: Float64Array, a: Float64Array, n: number): number {
  const x2 = matmul(x, x, n, n, n);
  const r = matmul(matmul(x2, x2, n, n, n), a, n, n, n);
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(r[i * n + j] - (i === j ? 1 : 0)));
  return worst;
}

function mlEigen(a: Float64Array, n: number): EigenvalueDecomposition {
  return new EigenvalueDecomposition(Matrix.from1DArray(n, n, a), { assumeSymmetric: true });
}

function mlInverseFourthRoot(a: Float64Array, n: number): Float64Array {
  const e = mlEigen(a, n);
  const v = e.eigenvectorMatrix;
  const f = e.realEigenvalues.map((l) => l ** -0.25);
  return Float64Array.from(v.clone().mulRowVector(f).mmul(v.transpose()).to1DArray());
}

function mlResidual(e: EigenvalueDecomposition, a: Float64Array, n: number): number {
  return eigenResidual(a, Float64Array.from(e.eigenvectorMatrix.to1DArray()), Float64Array.from(e.realEigenvalues), n);
}

function lapackCell(outcome: LapackOutcome): { ms: number | null; cpuMs: number | null; residual: number | null; orthogonality: number | null } {
  if (!outcome.available) return { ms: null, cpuMs: null, residual: null, orthogonality: null };
  const r = outcome.results[0];
  return { ms: median(r.timesMs), cpuMs: median(r.cpuMs), residual: r.residual, orthogonality: r.orthogonality ?? null };
}

function cpuFields(ours: number, lapack: number | null): Pick<LinalgRow, 'ours_cpu_ms' | 'lapack_cpu_ms' | 'cpu_ratio_to_lapack'> {
  return { ours_cpu_ms: ours, lapack_cpu_ms: lapack, cpu_ratio_to_lapack: lapack === null ? null : ours / lapack };
}

function parseSizes(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new RangeError(`--sizes = ${JSON.stringify(text)} is not allowed; allowed: a comma-separated list of integers >= 1, e.g. 128,256`);
  }
  return sizes;
}

async function run(ctx: SuiteContext): Promise<void> {
  const sizes = parseSizes(ctx.flags.sizes as string | undefined);
  const runsOverride = ctx.flags.runs === undefined ? undefined : intFlag('runs', ctx.flags.runs, 1, 1, 1000);
  const p = plan(ctx.quick, sizes, runsOverride);
  const withJs = ctx.flags['no-js'] !== true;
  const withMl = ctx.flags['no-mlmatrix'] !== true;
  const python = defaultPython(ctx.flags.python as string | undefined);
  const machine = machineInfo();
  const kernel: EigenKernel = 'auto';
  const rows: LinalgRow[] = [];
  let lapack: LapackOutcome | undefined;
  const lapackRun = (cases: LapackCase[]): LapackOutcome => {
    if (ctx.flags['no-lapack'] === true) return { available: false, reason: 'skipped (--no-lapack)' };
    const outcome = runLapack(python, cases);
    if (lapack === undefined || outcome.available) lapack = outcome;
    return outcome;
  };
  ctx.log(`linalg benchmark${ctx.quick ? ' (quick)' : ''}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage.join(' ')}`);

  for (const n of p.eighSizes) {
    const a = dampedGram(n, 1000 + n);
    const runs = p.runs(n, false);
    const ours = timeRuns(() => symmetricEigen(a, n, { kernel }), runs);
    const e = symmetricEigen(a, n, { kernel });
    let js: { ms: number; residual: number } | null = null;
    if (withJs) {
      const t = timeRuns(() => symmetricEigen(a, n, { kernel: 'js' }), p.runs(n, true));
      const ej = symmetricEigen(a, n, { kernel: 'js' });
      js = { ms: t.medianMs, residual: eigenResidual(a, ej.vectors, ej.values, n) };
    }
    const lp = lapackCell(lapackRun([{ kind: 'eigh', n, count: 1, data: a, runs, warmup: 1 }]));
    let ml: { ms: number; residual: number } | null = null;
    if (withMl && n <= p.mlMatrixMax) {
      const t = timeRuns(() => mlEigen(a, n), p.runs(n, true));
      ml = { ms: t.medianMs, residual: mlResidual(mlEigen(a, n), a, n) };
    }
    const row: LinalgRow = {
      case: 'eigh', n, count: 1, ours_ms: ours.medianMs, ours_kernel: kernel, ours_js_ms: js?.ms ?? null,
      lapack_ms: lp.ms, mlmatrix_ms: ml?.ms ?? null,
      residual: eigenResidual(a, e.vectors, e.values, n), orthogonality: orthogonalityError(e.vectors, n),
      js_residual: js?.residual ?? null, lapack_residual: lp.residual, lapack_orthogonality: lp.orthogonality,
      mlmatrix_residual: ml?.residual ?? null, ratio_to_lapack: lp.ms === null ? null : ours.medianMs / lp.ms, runs,
      ...cpuFields(ours.medianCpuMs, lp.cpuMs),
    };
    rows.push(row);
    ctx.log(`  eigh n=${n}: ours ${row.ours_ms.toFixed(2)} ms, js ${row.ours_js_ms?.toFixed(1) ?? '-'} ms, LAPACK ${row.lapack_ms?.toFixed(2) ?? '-'} ms, ml-matrix ${row.mlmatrix_ms?.toFixed(1) ?? '-'} ms (load ${loadavg()[0].toFixed(2)})`);
  }

  for (const n of p.rootSizes) {
    const a = dampedGram(n, 1000 + n);
    const runs = p.runs(n, false);
    const rootOf = (k: EigenKernel): Float64Array => inverseRoot(a, n, { root: 4, kernel: k, measureResidual: false }).root;
    const ours = timeRuns(() => rootOf(kernel), runs);
    let jsMs: number | null = null;
    let jsResidual: number | null = null;
    if (withJs) {
      jsMs = timeRuns(() => rootOf('js'), p.runs(n, true)).medianMs;
      jsResidual = rootResidual(rootOf('js'), a, n);
    }
    const lp = lapackCell(lapackRun([{ kind: 'inverse_root', n, count: 1, data: a, runs, warmup: 1, root: 4 }]));
    let ml: { ms: number; residual: number } | null = null;
    if (withMl && n <= p.mlMatrixMax) {
      const t = timeRuns(() => mlInverseFourthRoot(a, n), p.runs(n, true));
      ml = { ms: t.medianMs, residual: rootResidual(mlInverseFourthRoot(a, n), a, n) };
    }
    const row: LinalgRow = {
      case: 'inverse_root_4', n, count: 1, ours_ms: ours.medianMs, ours_kernel: kernel, ours_js_ms: jsMs,
      lapack_ms: lp.ms, mlmatrix_ms: ml?.ms ?? null, residual: rootResidual(rootOf(kernel), a, n), orthogonality: null,
      js_residual: jsResidual, lapack_residual: lp.residual, lapack_orthogonality: null, mlmatrix_residual: ml?.residual ?? null,
      ratio_to_lapack: lp.ms === null ? null : ours.medianMs / lp.ms, runs, ...cpuFields(ours.medianCpuMs, lp.cpuMs),
    };
    rows.push(row);
    ctx.log(`  inverse 4th root n=${n}: ours ${row.ours_ms.toFixed(2)} ms, js ${row.ours_js_ms?.toFixed(1) ?? '-'} ms, LAPACK ${row.lapack_ms?.toFixed(2) ?? '-'} ms, ml-matrix ${row.mlmatrix_ms?.toFixed(1) ?? '-'} ms (load ${loadavg()[0].toFixed(2)})`);
  }

  {
    const { count, n } = p.batch;
    const mats = Array.from({ length: count }, (_, i) => dampedGram(n, 5000 + i));
    const stacked = new Float64Array(count * n * n);
    mats.forEach((m, i) => stacked.set(m, i * n * n));
    const runs = p.runs(n, false);
    const all = (f: (m: Float64Array) => unknown): (() => void) => () => mats.forEach((m) => f(m));
    const ours = timeRuns(all((m) => symmetricEigen(m, n, { kernel })), runs);
    let residual = 0, orthogonality = 0;
    for (const m of mats) {
      const e = symmetricEigen(m, n, { kernel });
      residual = Math.max(residual, eigenResidual(m, e.vectors, e.values, n));
      orthogonality = Math.max(orthogonality, orthogonalityError(e.vectors, n));
    }
    const jsMs = withJs ? timeRuns(all((m) => symmetricEigen(m, n, { kernel: 'js' })), p.runs(512, true)).medianMs : null;
    const lp = lapackCell(lapackRun([{ kind: 'batch', n, count, data: stacked, runs, warmup: 1 }]));
    const mlMs = withMl ? timeRuns(all((m) => mlEigen(m, n)), p.runs(512, true)).medianMs : null;
    const row: LinalgRow = {
      case: 'batch', n, count, ours_ms: ours.medianMs, ours_kernel: kernel, ours_js_ms: jsMs, lapack_ms: lp.ms, mlmatrix_ms: mlMs,
      residual, orthogonality, js_residual: null, lapack_residual: lp.residual, lapack_orthogonality: lp.orthogonality,
      mlmatrix_residual: null, ratio_to_lapack: lp.ms === null ? null : ours.medianMs / lp.ms, runs,
      ...cpuFields(ours.medianCpuMs, lp.cpuMs),
    };
    rows.push(row);
    ctx.log(`  batch ${count} x ${n}: ours ${row.ours_ms.toFixed(1)} ms, js ${row.ours_js_ms?.toFixed(1) ?? '-'} ms, LAPACK ${row.lapack_ms?.toFixed(1) ?? '-'} ms, ml-matrix ${row.mlmatrix_ms?.toFixed(1) ?? '-'} ms`);
  }

  const headers = ['case', 'n', 'ours ms', 'js ms', 'LAPACK ms', 'ml-matrix ms', 'ours/LAPACK', 'CPU: ours/LAPACK', 'residual', 'LAPACK residual', 'orthogonality'];
  const label = (r: LinalgRow): string => (r.case === 'batch' ? `eigh, ${r.count} blocks` : r.case === 'inverse_root_4' ? 'A^(-1/4)' : 'eigh');
  const table: Cell[][] = rows.map((r) => [label(r), r.n, r.ours_ms, r.ours_js_ms, r.lapack_ms, r.mlmatrix_ms, r.ratio_to_lapack, r.cpu_ratio_to_lapack, r.residual, r.lapack_residual, r.orthogonality]);
  ctx.log('');
  ctx.log(formatTable(headers, table));
  const lapackNote = lapack === undefined ? 'not run' : lapack.available
    ? `LAPACK: numpy ${lapack.info.numpy} (${lapack.info.python}), ${lapack.info.openblasConfig ?? lapack.info.libraries.join(', ')}, core ${lapack.info.openblasCore ?? '?'}, threads ${lapack.info.openblasThreads ?? '?'}`
    : `LAPACK: unavailable (${lapack.reason})`;
  ctx.log(lapackNote);
  const loadEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  ctx.log(`load average at the end: ${loadEnd.join(' ')} (${machine.cores} cores; other processes share them)`);

  const eighRows = rows.filter((r) => r.case === 'eigh');
  const svg = lineChart({
    title: 'Symmetric eigendecomposition, float64, one thread',
    xLabel: 'n',
    yLabel: 'median time (ms)',
    logX: true,
    logY: true,
    xTicks: eighRows.map((r) => r.n),
    series: [
      { name: 'ours (wasm)', points: eighRows.map((r) => [r.n, r.ours_ms]) },
      { name: 'ours (js)', points: eighRows.flatMap((r) => (r.ours_js_ms === null ? [] : [[r.n, r.ours_js_ms] as const])) },
      { name: 'LAPACK dsyevd', points: eighRows.flatMap((r) => (r.lapack_ms === null ? [] : [[r.n, r.lapack_ms] as const])) },
      { name: 'ml-matrix', points: eighRows.flatMap((r) => (r.mlmatrix_ms === null ? [] : [[r.n, r.mlmatrix_ms] as const])) },
    ],
  });
  const json = {
    suite: 'linalg',
    quick: ctx.quick,
    date: new Date().toISOString(),
    matrices: 'A = G G^T / n + 1e-3 I, G n x n standard normal (seeded); the same matrices for every implementation',
    timing: 'wall-clock (and process CPU time) median of `runs` calls after one warm-up call; ours through the public symmetricEigen / inverseRoot',
    machine: { ...machine, loadAverageEnd: loadEnd },
    lapack: lapack === undefined ? { available: false, reason: 'not run' } : lapack.available ? { available: true, ...lapack.info } : lapack,
    rows,
  };
  const paths = writeFilesAtomically(ctx.outDir, { 'linalg.json': JSON.stringify(json, null, 2) + '\n', 'linalg.svg': svg });
  ctx.log(`wrote ${paths.join(' and ')}`);
}

export const suite: BenchSuite = {
  flags: {
    sizes: { type: 'string', description: 'comma-separated n for eigh and the root (default 128,256,512,1024; quick 64,128)' },
    runs: { type: 'string', description: 'timed runs per measurement (default 11/7/5 by size, 3 for slow ones)' },
    python: { type: 'string', description: `Python with numpy for LAPACK (default ${DEBIAN_PYTHON} if present)` },
    'no-lapack': { type: 'boolean', description: 'skip LAPACK' },
    'no-mlmatrix': { type: 'boolean', description: 'skip ml-matrix' },
    'no-js': { type: 'boolean', description: 'skip our TypeScript kernel' },
  },
  run,
};
