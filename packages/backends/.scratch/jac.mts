import * as tf from '@tensorflow/tfjs';
import { jacobiEigenTensor } from '/work/main/packages/shampoo/src/index.ts';
import { spdWithCondition, jacobiEigen } from '/work/main/packages/testing/src/index.ts';
await tf.setBackend(process.env.B ?? 'cpu');
for (const n of (process.env.NS ?? "3,6,7,32").split(",").map(Number)) {
  const m = spdWithCondition({ n, cond: 1e3, seed: n });
  const a = tf.tensor3d(Float32Array.from(m.a), [1, n, n]);
  const q0 = tf.expandDims(tf.eye(n), 0) as tf.Tensor3D;
  const exact = jacobiEigen(Float64Array.from(m.a), n);
  const line: string[] = [];
  for (const sweeps of (process.env.SW ?? "1,2,3,4,5,6,8").split(",").map(Number)) {
    const { values, vectors } = jacobiEigenTensor(a, q0, sweeps);
    const v = values.dataSync(); const q = vectors.dataSync();
    // residual max |A Q - Q diag(v)| / ||A||
    let res = 0, norm = 0; for (const x of m.a) norm = Math.max(norm, Math.abs(x));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += m.a[i * n + k] * q[k * n + j]; res = Math.max(res, Math.abs(s - q[i * n + j] * v[j])); }
    const ev = Array.from(exact.values).sort((x, y) => x - y);
    let verr = 0; for (let i = 0; i < n; i++) verr = Math.max(verr, Math.abs(v[i] - ev[i]) / norm);
    line.push(`s${sweeps}: res ${(res / norm).toExponential(1)} val ${verr.toExponential(1)}`);
    tf.dispose([values, vectors]);
  }
  console.log(`n=${n}`, line.join(' | '));
}
