/**
 * Before/after in one run: two builds of @shampoo-ts/linalg and LAPACK, interleaved.
 *   npx tsx packages/linalg/scripts/compare-builds.mts <before-dist-dir> [sizes, default 128,256,512,1024] [rounds, default 9]
 * e.g. with the main checkout's build as "before":
 *   cp -r /path/to/main/packages/linalg/dist node_modules/.linalg-before/dist
 *   echo '{"type":"module"}' > node_modules/.linalg-before/package.json
 *   npx tsx packages/linalg/scripts/compare-builds.mts node_modules/.linalg-before/dist
 * (the copy must sit under a node_modules that resolves @tensorflow/tfjs-core). "after" is this
 * package's dist (npm run build first). Per size and round: symmetricEigen (kernel 'auto') and
 * inverseRoot(a, n, { root: 4, measureResidual: false }) once each for before and after (which
 * goes first alternates), then
 * numpy's eigh and eigh + (v * w**-0.25) @ v.T once each (OpenBLAS, one thread; the bench's
 * runner, packages/bench/dist/lib/lapack.js). The matrices are the bench's A = G G^T / n + 1e-3 I.
 * Prints medians of process CPU time (each side's own process) and the ratios.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gaussianMatrix } from '../../testing/src/matrix/seeded-random.js';
import { runLapack, defaultPython } from '../../bench/dist/lib/lapack.js';

type Lib = typeof import('../src/index.js');
const [beforeDir, sizesText = '128,256,512,1024', roundsText = '9'] = process.argv.slice(2);
if (beforeDir === undefined) throw new Error('usage: compare-builds.mts <before-dist-dir> [sizes] [rounds]');
const before = (await import(pathToFileURL(resolve(beforeDir, 'index.js')).href)) as Lib;
const after = (await import(pathToFileURL(resolve(import.meta.dirname, '../dist/index.js')).href)) as Lib;
const sizes = sizesText.split(',').map(Number);
const rounds = Number(roundsText);
const python = defaultPython(undefined);

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const timed = (fn: () => unknown): number => {
  const t = cpuMs();
  fn();
  return cpuMs() - t;
};

function dampedGram(n: number, seed: number, lib: Lib): Float64Array {
  const a = lib.symmetricRankKUpdate(new Float64Array(n * n), gaussianMatrix(n, n, seed), n, n, { alpha: 1 / n, beta: 0 });
  for (let i = 0; i < n; i++) a[i * n + i] += 1e-3;
  return a;
}

console.log(`load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}; medians of ${rounds} interleaved rounds, CPU ms`);
console.log('case     n     before   after  LAPACK  after/before  before/LAPACK  after/LAPACK');
for (const n of sizes) {
  const a = dampedGram(n, 1000 + n, before);
  const t: Record<string, number[]> = {};
  const add = (k: string, ms: number): void => void (t[k] ??= []).push(ms);
  for (let r = 0; r <= rounds; r++) {
    // the order alternates between rounds (no side always runs first)
    const [first, second] = r % 2 === 0 ? [before, after] : [after, before];
    const e1 = timed(() => first.symmetricEigen(a, n));
    const e2 = timed(() => second.symmetricEigen(a, n));
    const r1 = timed(() => first.inverseRoot(a, n, { root: 4, measureResidual: false }));
    const r2 = timed(() => second.inverseRoot(a, n, { root: 4, measureResidual: false }));
    const [eb, ea, rb, ra] = r % 2 === 0 ? [e1, e2, r1, r2] : [e2, e1, r2, r1];
    const lp = runLapack(python, [
      { kind: 'eigh', n, count: 1, data: a, runs: 1, warmup: 1 },
      { kind: 'inverse_root', n, count: 1, data: a, runs: 1, warmup: 1, root: 4 },
    ]);
    if (!lp.available) throw new Error(`LAPACK: ${lp.reason}`);
    if (r === 0) continue; // warm-up round
    add('eigh before', eb);
    add('eigh after', ea);
    add('root before', rb);
    add('root after', ra);
    add('eigh LAPACK', lp.results[0].cpuMs[0]);
    add('root LAPACK', lp.results[1].cpuMs[0]);
  }
  for (const c of ['eigh', 'root']) {
    const [b, x, l] = ['before', 'after', 'LAPACK'].map((s) => median(t[`${c} ${s}`]));
    console.log(
      `${c.padEnd(6)} ${String(n).padStart(5)} ${b.toFixed(2).padStart(8)} ${x.toFixed(2).padStart(7)} ${l.toFixed(2).padStart(7)}` +
        `  ${(x / b).toFixed(3).padStart(12)}  ${(b / l).toFixed(2).padStart(13)}  ${(x / l).toFixed(2).padStart(12)}`,
    );
  }
}
console.log(`load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
