/**
 * Where the time of the WebAssembly eigensolver and inverse root goes, and the GEMM ceiling:
 *   npx tsx packages/linalg/scripts/profile-eigen.mts [n] [rounds] [assembly-dir ...]
 * (defaults 512, 7, this package's assembly/). Compiles profile.ts of each source directory
 * (the three phases of eigRun as separate exports) and, on the benchmark's matrix
 * A = G G^T / n + 1e-3 I, times in interleaved rounds, each variant in turn:
 *   reduce   symmetrise, scale, Householder tridiagonalisation (4n^3/3 flops)
 *   solve    divide and conquer on T
 *   back     V = Q Z (2n^3 flops)
 *   recon    V diag(f) V^T as inverseRoot forms it (scaleColumns + symmetricProduct, n^3)
 *   gemm     one n x n x n product (2n^3 flops)
 * and numpy's a @ b (OpenBLAS dgemm, OPENBLAS_NUM_THREADS=1, best of 5 in a child
 * /usr/bin/python3) once per round. Each time is the minimum over the rounds of process CPU
 * time (the steadiest number on a shared machine). To compare with an older version, give a
 * directory holding its assembly/*.ts plus today's eigen.ts and profile.ts (the phase exports),
 * e.g. `git show <rev>:packages/linalg/assembly/gemm.ts > /tmp/old/gemm.ts` for each file.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { compileLinalgWasm } from './build-wasm.mjs';
import { gaussianMatrix } from '../../testing/src/matrix/seeded-random.js';
import { symmetricRankKUpdate } from '../src/rankK.js';

interface Profile {
  memory: WebAssembly.Memory;
  heapBase(): number;
  eigWorkBytes(n: number): number;
  eigValuesOffset(n: number): number;
  eigVectorsOffset(n: number): number;
  eigReduce(n: number, base: number): void;
  eigSolve(n: number, base: number): number;
  eigBackTransform(n: number, base: number): void;
  gemmScratchBytes(): number;
  gemmSetScratch(p: number): void;
  gemm(m: number, n: number, k: number, alpha: number, a: number, lda: number, ta: number, b: number, ldb: number, tb: number, beta: number, c: number, ldc: number): void;
  symmetricProduct(m: number, k: number, alpha: number, x: number, ldx: number, y: number, ldy: number, trans: number, beta: number, c: number, ldc: number): void;
  scaleColumns(n: number, q: number, w: number, x: number): void;
}

const n = Number(process.argv[2] ?? 512);
const rounds = Number(process.argv[3] ?? 7);
const dirs = process.argv.slice(4).map((d) => resolve(d));
const labels = dirs.length === 0 ? ['assembly/'] : dirs;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const timeOnce = (fn: () => void): number => {
  const t = cpuMs();
  fn();
  return cpuMs() - t;
};

const g = gaussianMatrix(n, n, 1000 + n);
const a = symmetricRankKUpdate(new Float64Array(n * n), g, n, n, { alpha: 1 / n, beta: 0 });
for (let i = 0; i < n; i++) a[i * n + i] += 1e-3;
const nn = n * n;

async function load(dir: string | undefined) {
  const bytes = await compileLinalgWasm('profile.ts', ...(dir === undefined ? [] : [dir]));
  const abort = (): never => {
    throw new Error('abort');
  };
  const w = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort } }).exports as unknown as Profile;
  const base = (w.heapBase() + 15) & ~15;
  // after the eigensolver's workspace: three n x n operands for the products, and their GEMM scratch
  const px = base + w.eigWorkBytes(n), py = px + nn * 8, pc = py + nn * 8, pw = pc + nn * 8, pscratch = pw + n * 8 + 16;
  const need = pscratch + w.gemmScratchBytes();
  if (need > w.memory.buffer.byteLength) w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / 65536));
  return { w, base, px, py, pc, pw, pscratch };
}
const variants = await Promise.all((dirs.length === 0 ? [undefined] : dirs).map(load));

const python = `
import sys, time, numpy as np
n, reps = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(1)
a = rng.standard_normal((n, n)); b = rng.standard_normal((n, n))
a @ b
best = 1e9
for _ in range(reps):
    t = time.process_time(); a @ b; best = min(best, time.process_time() - t)
print(best * 1000)
`;
function numpyGemmMs(): number {
  const r = spawnSync('/usr/bin/python3', ['-c', python, String(n), '5'], { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`numpy: ${r.stderr}`);
  return Number(r.stdout.trim());
}

const best = variants.map((): Record<string, number> => ({}));
let numpyBest = Infinity;
for (let r = 0; r <= rounds; r++) {
  variants.forEach(({ w, base, px, py, pc, pw, pscratch }, v) => {
    const view = (p: number, len: number): Float64Array => new Float64Array(w.memory.buffer, p, len);
    view(base, nn).set(a);
    const t: Record<string, number> = {};
    t.reduce = timeOnce(() => w.eigReduce(n, base));
    t.solve = timeOnce(() => w.eigSolve(n, base));
    t.back = timeOnce(() => w.eigBackTransform(n, base));
    // the reconstruction on the computed eigenpairs: f = lambda^(-1/4)
    view(px, nn).set(view(base + w.eigVectorsOffset(n), nn));
    view(pw, n).set(view(base + w.eigValuesOffset(n), n).map((l) => l ** -0.25));
    w.gemmSetScratch(pscratch);
    t.recon = timeOnce(() => {
      w.scaleColumns(n, px, pw, py);
      w.symmetricProduct(n, n, 1, py, n, px, n, 0, 0, pc, n);
    });
    t.gemm = timeOnce(() => w.gemm(n, n, n, 1, px, n, 0, py, n, 0, 0, pc, n));
    if (r > 0) for (const [k, ms] of Object.entries(t)) best[v][k] = Math.min(best[v][k] ?? Infinity, ms); // round 0 warms up
  });
  const np = numpyGemmMs();
  if (r > 0) numpyBest = Math.min(numpyBest, np);
}

const flops: Record<string, number> = { reduce: (4 * n ** 3) / 3, back: 2 * n ** 3, recon: n ** 3, gemm: 2 * n ** 3 };
const gf = (k: string, ms: number): string => (flops[k] ? `${(flops[k] / ms / 1e6).toFixed(1).padStart(5)} GFLOP/s` : ''.padStart(13));
console.log(`n = ${n}, ${rounds} rounds (min CPU ms), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
labels.forEach((label, v) => {
  const b = best[v];
  const eig = b.reduce + b.solve + b.back;
  console.log(label);
  for (const [k, ms] of Object.entries(b)) {
    const share = ['reduce', 'solve', 'back'].includes(k) ? `  ${((100 * ms) / eig).toFixed(0)}% of eigh` : '';
    const ratio = v > 0 ? `  ${(ms / best[0][k]).toFixed(3)}x the first` : '';
    console.log(`  ${k.padEnd(8)} ${ms.toFixed(2).padStart(8)} ms  ${gf(k, ms)}${share}${ratio}`);
  }
  console.log(`  eigh = ${eig.toFixed(2)} ms, A^(-1/4) = eigh + recon = ${(eig + b.recon).toFixed(2)} ms; gemm ours/numpy = ${(b.gemm / numpyBest).toFixed(2)}`);
});
console.log(`numpy dgemm ${numpyBest.toFixed(2)} ms  ${gf('gemm', numpyBest)}`);
