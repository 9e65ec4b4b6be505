import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@shampoo-ts/backends';
import { initTrainState, valueAndGrad, disposeTree } from '@shampoo-ts/core';
import { adamGrafting } from '@shampoo-ts/grafting';
const sh = await import(process.argv[2] ?? '../dist/index.js');
await useBackend('wasm');
const B = 128;
const widths = [784, 512, 512, 10];
const params = {};
for (let i = 0; i < 3; i++) params[`dense${i + 1}`] = { kernel: tf.randomNormal([widths[i], widths[i + 1]], 0, 0.05), bias: tf.zeros([widths[i + 1]]) };
const x = tf.randomNormal([B, 784]);
const y = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32'), 10);
const loss = (p) => tf.tidy(() => { let h = x; for (let i = 0; i < 3; i++) { h = tf.add(tf.matMul(h, p[`dense${i + 1}`].kernel), p[`dense${i + 1}`].bias); if (i < 2) h = tf.relu(h); } return tf.losses.softmaxCrossEntropy(y, h); });
const tx = sh.scaleByShampoo({ lr: 1e-3, betas: [0.9, 0.999], epsilon: 1e-12, weightDecay: 1e-4, preconditionFrequency: 100, maxPreconditionerDim: Number(process.argv[3] ?? 1024), useSymmetricPacking: process.argv[4] !== 'unpacked', grafting: adamGrafting({ beta2: 0.999, epsilon: 1e-8 }) });
let opt = tx.init(params);
const { grads } = valueAndGrad(loss, params);
opt = { ...opt, step: 99 };
let r = tx.update(grads, opt, params); disposeTree(r[0]); opt = r[1];
for (let i = 0; i < 3; i++) { r = tx.update(grads, opt, params); disposeTree(r[0]); disposeTree(opt); opt = r[1]; }
const agg = new Map(); let sum = 0, nk = 0;
const reps = 10;
for (let rep = 0; rep < reps; rep++) {
  const prof = await tf.profile(() => { const r2 = tx.update(grads, opt, params); disposeTree(r2[0]); disposeTree(r2[1]); });
  nk = prof.kernels.length;
  for (const k of prof.kernels) { const key = k.name === 'BatchMatMul' ? `BatchMatMul ${JSON.stringify(k.inputShapes)}` : k.name; const a = agg.get(key) ?? { n: 0, ms: [] }; a.n++; a.ms.push(k.kernelTimeMs); agg.set(key, a); }
}
const rows = [...agg].map(([n, a]) => [n, a.n / reps, a.ms.sort((p, q) => p - q).reduce((s, v) => s + v, 0) / reps]);
rows.sort((p, q) => q[2] - p[2]);
let tot = 0; for (const r of rows) tot += r[2];
console.log('kernels/update', nk, 'mean kernel ms/update', tot.toFixed(1));
for (const [n, c, ms] of rows) console.log(`${ms.toFixed(2).padStart(8)} ms  x${c}  ${n}`);
