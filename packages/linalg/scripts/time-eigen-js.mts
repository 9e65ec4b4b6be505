/**
 * One-off timing of the TypeScript eigensolver (not the benchmark, which lives in bench/):
 *   npx tsx packages/linalg/scripts/time-eigen-js.mts [n ...]
 * Prints, per n, the best and median of several runs on a random SPD matrix, in wall-clock
 * and in this process's CPU time (more stable on a shared machine), split into the
 * tridiagonalisation (with Q) and the QL phase, and ml-matrix 6.15's
 * EigenvalueDecomposition on the same matrix in the same run for a load-independent ratio.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { spdWithCondition } from '../../testing/src/matrix/spd.js';
import { symmetricEigenJs } from '../src/symmetricEigen.js';
import { tridiagonalize } from '../src/tridiagonalize.js';
import { tridiagonalQl } from '../src/tridiagonalEigen.js';

const sizes = process.argv.slice(2).map(Number);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

for (const n of sizes.length ? sizes : [128, 256, 512]) {
  const { a } = spdWithCondition({ n, cond: 1e6, seed: 1 });
  const reps = n <= 128 ? 15 : n <= 256 ? 7 : 5;
  symmetricEigenJs(a, n); // warm up
  const wall: number[] = [];
  const cpu: number[] = [];
  const tri: number[] = [];
  const ql: number[] = [];
  for (let r = 0; r < reps; r++) {
    const w0 = performance.now();
    const c0 = cpuMs();
    symmetricEigenJs(a, n);
    cpu.push(cpuMs() - c0);
    wall.push(performance.now() - w0);
    const t0 = cpuMs();
    const t = tridiagonalize(a, n);
    const t1 = cpuMs();
    tridiagonalQl(t.diagonal, t.offDiagonal, t.q, n);
    tri.push(t1 - t0);
    ql.push(cpuMs() - t1);
  }
  const ml: number[] = [];
  const mm = new Matrix(Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n))));
  for (let r = 0; r < Math.min(reps, 3); r++) {
    const c0 = cpuMs();
    new EigenvalueDecomposition(mm, { assumeSymmetric: true });
    ml.push(cpuMs() - c0);
  }
  console.log(
    `n = ${n}: ml-matrix cpu median ${median(ml).toFixed(1)} ms (${(median(ml) / median(cpu)).toFixed(1)}x ours); ours: wall best ${Math.min(...wall).toFixed(1)} ms, median ${median(wall).toFixed(1)} ms; ` +
      `cpu best ${Math.min(...cpu).toFixed(1)} ms, median ${median(cpu).toFixed(1)} ms ` +
      `(tridiagonalise + Q ${median(tri).toFixed(1)} ms, QL ${median(ql).toFixed(1)} ms)`,
  );
}
