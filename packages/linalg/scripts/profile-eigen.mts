/**
 * Where the time of the WebAssembly eigensolver and inverse root goes, and the GEMM ceiling:
 *   npx tsx packages/linalg/scripts/profile-eigen.mts [n] [rounds]      (default 512, 7)
 * Compiles assembly/profile.ts (the three phases of eigRun as separate exports) and, on the
 * benchmark's matrix A = G G^T / n + 1e-3 I, times in interleaved rounds:
 *   reduce   symmetrise, scale, Householder tridiagonalisation (4n^3/3 flops)
 *   solve    divide and conquer on T
 *   back     V = Q Z (2n^3 flops)
 *   recon    V diag(f) V^T as inverseRoot forms it (scaleColumns + symmetricProduct, n^3)
 *   gemm     one n x n x n product (2n^3 flops)
 *   numpy    numpy's a @ b (OpenBLAS dgemm, OPENBLAS_NUM_THREADS=1) in a child /usr/bin/python3
 * Each phase's time is the minimum over the rounds of process CPU time (the steadiest number on
 * a shared machine; the child reports its own process time), and GFLOP/s follow from the flops.
 */
import { spawnSync } from 'node:child_process';
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
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const g = gaussianMatrix(n, n, 1000 + n);
const a = symmetricRankKUpdate(new Float64Array(n * n), g, n, n, { alpha: 1 / n, beta: 0 });
for (let i = 0; i < n; i++) a[i * n + i] += 1e-3;

const bytes = await compileLinalgWasm('profile.ts');
const w = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => { throw new Error('abort'); } } }).exports as unknown as Profile;
const nn = n * n;
const base = (w.heapBase() + 15) & ~15;
const work = w.eigWorkBytes(n);
// after the eigensolver's workspace: three n x n operands for the products, and their GEMM scratch
const px = base + work, py = px + nn * 8, pc = py + nn * 8, pw = pc + nn * 8, pscratch = pw + n * 8 + 16;
const need = pscratch + w.gemmScratchBytes();
if (need > w.memory.buffer.byteLength) w.memory.grow(Math.ceil((need - w.memory.buffer.byteLength) / 65536));
const view = (p: number, len: number): Float64Array => new Float64Array(w.memory.buffer, p, len);

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
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  const r = spawnSync('/usr/bin/python3', ['-c', python, String(n), '5'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`numpy: ${r.stderr}`);
  return Number(r.stdout.trim());
}

const timeOnce = (fn: () => void): number => {
  const t = cpuMs();
  fn();
  return cpuMs() - t;
};

const best: Record<string, number> = {};
const keep = (k: string, ms: number): void => {
  best[k] = Math.min(best[k] ?? Infinity, ms);
};
for (let r = 0; r <= rounds; r++) {
  view(base, nn).set(a);
  const tReduce = timeOnce(() => w.eigReduce(n, base));
  const tSolve = timeOnce(() => w.eigSolve(n, base));
  const tBack = timeOnce(() => w.eigBackTransform(n, base));
  // the reconstruction on the computed eigenpairs: f = lambda^(-1/4)
  const values = view(base + w.eigValuesOffset(n), n).slice();
  view(px, nn).set(view(base + w.eigVectorsOffset(n), nn));
  view(pw, n).set(values.map((l) => l ** -0.25));
  w.gemmSetScratch(pscratch);
  const tRecon = timeOnce(() => {
    w.scaleColumns(n, px, pw, py);
    w.symmetricProduct(n, n, 1, py, n, px, n, 0, 0, pc, n);
  });
  const tGemm = timeOnce(() => w.gemm(n, n, n, 1, px, n, 0, py, n, 0, 0, pc, n));
  const tNumpy = numpyGemmMs();
  if (r === 0) continue; // warm-up round (baseline compiler)
  keep('reduce', tReduce);
  keep('solve', tSolve);
  keep('back', tBack);
  keep('recon', tRecon);
  keep('gemm', tGemm);
  keep('numpy dgemm', tNumpy);
}
const flops: Record<string, number> = { reduce: (4 * n ** 3) / 3, back: 2 * n ** 3, recon: n ** 3, gemm: 2 * n ** 3, 'numpy dgemm': 2 * n ** 3 };
const eig = best.reduce + best.solve + best.back;
console.log(`n = ${n}, ${rounds} rounds (min CPU ms), load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const [k, ms] of Object.entries(best)) {
  const f = flops[k];
  const share = ['reduce', 'solve', 'back'].includes(k) ? ` ${((100 * ms) / eig).toFixed(0)}% of eigh` : '';
  console.log(`  ${k.padEnd(12)} ${ms.toFixed(2).padStart(8)} ms${f ? `  ${(f / ms / 1e6).toFixed(1).padStart(5)} GFLOP/s` : ''}${share}`);
}
console.log(`  eigh = ${eig.toFixed(2)} ms, A^(-1/4) = eigh + recon = ${(eig + best.recon).toFixed(2)} ms; gemm ours/numpy = ${(best.gemm / best['numpy dgemm']).toFixed(2)}`);
