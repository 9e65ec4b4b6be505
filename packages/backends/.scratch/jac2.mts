import * as tf from '@tensorflow/tfjs';
import { jacobiEigenTensors } from '/work/main/packages/shampoo/src/index.ts';
import { spdWithCondition } from '/work/main/packages/testing/src/index.ts';
await tf.setBackend('cpu');
const ns = [3, 6, 5, 4];
const ms = ns.map((n) => spdWithCondition({ n, cond: 1e3, seed: n }));
const a = ms.map((m, i) => tf.tensor2d(Float32Array.from(m.a), [ns[i], ns[i]]));
const q0 = ns.map((n) => tf.eye(n) as tf.Tensor2D);
const before = tf.memory().numTensors;
const out = jacobiEigenTensors(a, q0, 6);
console.log('tensors created', tf.memory().numTensors - before);
out.forEach(({ values, vectors }, i) => {
  const n = ns[i]; const v = values.dataSync(); const q = vectors.dataSync(); const A = ms[i].a;
  let res = 0; for (let r = 0; r < n; r++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += A[r * n + k] * q[k * n + j]; res = Math.max(res, Math.abs(s - q[r * n + j] * v[j])); }
  console.log(n, Array.from(v).map((x) => x.toPrecision(4)).join(' '), 'res', res.toExponential(1), 'spectrum', Array.from(ms[i].spectrum ?? []).map((x: number) => x.toPrecision(4)).join(' '));
});
